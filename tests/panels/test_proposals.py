"""Proposals run, are accepted through the scheduling service (all or some), and are refused when
the schedule changed under them."""

import datetime

import pytest

from panels import services
from panels.errors import PanelError
from panels.models import Panel, ScheduleChange, ScheduleProposal
from panels.solver import proposals
from tests.factories import PanelFactory, SpeakerFactory
from tests.panels.conftest import at, placed

FAST = {"time_limit": 3}


@pytest.fixture
def drafts(forum, hall, side_room):
    speaker = SpeakerFactory()
    made = [PanelFactory(forum=forum, planned_minutes=60) for _ in range(4)]
    services.add_participant(panel=made[0], speaker=speaker)
    services.add_participant(panel=made[1], speaker=speaker)
    return made


def ready(forum, organizer, **params):
    proposal = proposals.start_proposal(forum=forum, params={**FAST, **params}, actor=organizer)
    proposals.run_proposal(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == ScheduleProposal.Status.DONE, proposal.error
    return proposal


def test_a_proposal_places_every_draft_and_scores_before_and_after(forum, organizer, drafts):
    proposal = ready(forum, organizer)
    result = proposal.result
    assert proposal.progress == 100
    assert {change["panel"] for change in result["changes"]} == {panel.pk for panel in drafts}
    assert result["unplaced"] == []
    assert result["before"]["placed"] == 0 and result["after"]["placed"] == 4
    assert result["solver"]["status"] == "OPTIMAL"


def test_accepting_schedules_the_panels_through_the_service(forum, organizer, drafts):
    proposal = ready(forum, organizer)
    proposals.accept_proposal(proposal=proposal, actor=organizer)
    proposal.refresh_from_db()
    assert proposal.status == ScheduleProposal.Status.ACCEPTED
    for panel in drafts:
        panel.refresh_from_db()
        assert panel.status == Panel.Status.SCHEDULED
    logged = ScheduleChange.objects.filter(action=ScheduleChange.Action.SCHEDULED, actor=organizer)
    assert logged.count() == 4


def test_accepting_some_changes_leaves_the_others_unscheduled(forum, organizer, drafts):
    proposal = ready(forum, organizer)
    proposals.accept_proposal(proposal=proposal, panel_ids=[drafts[2].pk], actor=organizer)
    assert Panel.objects.get(pk=drafts[2].pk).status == Panel.Status.SCHEDULED
    assert Panel.objects.get(pk=drafts[3].pk).status == Panel.Status.DRAFT


def test_a_stale_proposal_is_refused_with_the_reason(forum, organizer, drafts, hall):
    proposal = ready(forum, organizer)
    moved = drafts[0]
    services.schedule_panel(panel=moved, room=hall, start=at(forum, 1, "16:00"), end=at(forum, 1, "17:00"))
    with pytest.raises(PanelError) as refused:
        proposals.accept_proposal(proposal=proposal, actor=organizer)
    assert refused.value.code == "stale_proposal"
    assert moved.title in refused.value.message
    proposal.refresh_from_db()
    assert proposal.status == ScheduleProposal.Status.DONE
    assert Panel.objects.filter(forum=forum, status=Panel.Status.SCHEDULED).count() == 1


def test_a_slot_taken_meanwhile_refuses_the_whole_acceptance(forum, organizer, drafts, hall, side_room):
    proposal = ready(forum, organizer)
    change = proposal.result["changes"][0]
    intruder = PanelFactory(forum=forum)
    room = hall if change["room"] == hall.pk else side_room
    start, end = (datetime.datetime.fromisoformat(change[key]) for key in ("start", "end"))
    services.schedule_panel(panel=intruder, room=room, start=start, end=end)
    with pytest.raises(PanelError) as refused:
        proposals.accept_proposal(proposal=proposal, actor=organizer)
    assert refused.value.code == "proposal_conflict"
    assert intruder.title in refused.value.message
    assert Panel.objects.filter(forum=forum, status=Panel.Status.SCHEDULED).count() == 1


def test_moving_the_draft_schedule_swaps_panels_without_clashing(forum, organizer, hall, side_room):
    first = placed(forum, hall, 0, "09:00", "10:00", format=Panel.Format.PANEL)
    keynote = placed(forum, side_room, 0, "09:00", "10:00", format=Panel.Format.KEYNOTE)
    proposal = ready(forum, organizer, scope="all", weights={"changes": 1})
    rooms = {change["panel"]: change["room"] for change in proposal.result["changes"]}
    assert rooms.get(keynote.pk) == hall.pk
    proposals.accept_proposal(proposal=proposal, actor=organizer)
    keynote.refresh_from_db()
    first.refresh_from_db()
    assert keynote.room == hall and keynote.status == Panel.Status.SCHEDULED


def test_pinned_panels_are_not_in_a_proposal(forum, organizer, hall):
    published = placed(forum, hall, 0, "10:00", "11:00", publish=True)
    PanelFactory(forum=forum, planned_minutes=60)
    proposal = ready(forum, organizer, scope="all")
    assert published.pk not in {change["panel"] for change in proposal.result["changes"]}


def test_a_discarded_proposal_cannot_be_accepted(forum, organizer, drafts):
    proposal = ready(forum, organizer)
    proposals.discard_proposal(proposal=proposal, actor=organizer)
    with pytest.raises(PanelError) as refused:
        proposals.accept_proposal(proposal=proposal, actor=organizer)
    assert refused.value.code == "proposal_not_ready"


def test_bad_settings_are_refused_before_anything_runs(forum, organizer):
    with pytest.raises(PanelError) as refused:
        proposals.start_proposal(forum=forum, params={"time_limit": 0}, actor=organizer)
    assert refused.value.status == 400 and "time_limit" in refused.value.fields
    with pytest.raises(PanelError):
        proposals.start_proposal(forum=forum, params={"day": "1999-01-01"}, actor=organizer)
    assert not ScheduleProposal.objects.exists()
