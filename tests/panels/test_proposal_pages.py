"""The organizer's proposal pages: start, preview with the score and every change, accept some."""

import pytest
from django.urls import reverse

from panels import services
from panels.models import Panel, ScheduleProposal
from tests.factories import PanelFactory, SpeakerFactory, UserFactory
from tests.panels.conftest import at, placed


def start(client, forum, capture, **extra):
    data = {"scope": "unscheduled", "time_limit": 2, "changeover_minutes": 15, "capacity_margin": 10, **extra}
    with capture(execute=True):
        response = client.post(reverse("panels:proposals", args=[forum.slug]), data)
    assert response.status_code == 302, response.content[:500]
    return ScheduleProposal.objects.get()


def test_the_preview_lists_every_change_and_the_score(
    organizer_client, forum, hall, side_room, django_capture_on_commit_callbacks
):
    drafts = [PanelFactory(forum=forum, planned_minutes=60, title=f"Draft {n}") for n in range(3)]
    placed(forum, hall, 0, "10:00", "11:00", title="Already there")
    proposal = start(organizer_client, forum, django_capture_on_commit_callbacks)
    page = organizer_client.get(reverse("panels:proposal", args=[forum.slug, proposal.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for draft in drafts:
        assert draft.title in text
    assert "Already there" in text  # today's schedule beside the proposal
    assert text.count('name="panel"') == 3


def test_accepting_the_ticked_changes_schedules_only_those(
    organizer_client, forum, hall, side_room, django_capture_on_commit_callbacks
):
    drafts = [PanelFactory(forum=forum, planned_minutes=60) for _ in range(3)]
    proposal = start(organizer_client, forum, django_capture_on_commit_callbacks)
    url = reverse("panels:proposal-decide", args=[forum.slug, proposal.pk, "accept-some"])
    response = organizer_client.post(url, {"panel": [drafts[0].pk, drafts[2].pk]})
    assert response.status_code == 302
    scheduled = set(Panel.objects.filter(status=Panel.Status.SCHEDULED).values_list("pk", flat=True))
    assert scheduled == {drafts[0].pk, drafts[2].pk}


def test_a_stale_proposal_is_refused_on_the_page_with_the_reason(
    organizer_client, forum, hall, side_room, django_capture_on_commit_callbacks
):
    draft = PanelFactory(forum=forum, planned_minutes=60, title="Moved meanwhile")
    proposal = start(organizer_client, forum, django_capture_on_commit_callbacks)
    page = reverse("panels:proposal", args=[forum.slug, proposal.pk])
    assert "conflicts-standing" not in organizer_client.get(page).content.decode()
    services.schedule_panel(panel=draft, room=hall, start=at(forum, 1, "15:00"), end=at(forum, 1, "16:00"))
    assert "conflicts-standing" in organizer_client.get(page).content.decode()  # a warning before accepting
    url = reverse("panels:proposal-decide", args=[forum.slug, proposal.pk, "accept"])
    response = organizer_client.post(url)
    assert response.status_code == 409
    assert "Moved meanwhile" in response.content.decode()


def test_the_unplaceable_panel_is_explained_in_the_organizers_language(
    organizer_client, forum, hall, side_room, django_capture_on_commit_callbacks
):
    from panels.models import Availability

    speaker = SpeakerFactory(first_name="Kamran", last_name="Aliyev")
    Availability.objects.create(speaker=speaker, forum=forum, start=at(forum, 1, "14:00"), end=at(forum, 1, "15:00"))
    draft = PanelFactory(forum=forum, planned_minutes=60, title="Zero trust")
    services.add_participant(panel=draft, speaker=speaker)
    placed(forum, hall, 1, "14:00", "15:00", title="Cloud security", publish=True)
    placed(forum, side_room, 1, "14:00", "15:00", title="Identity", publish=True)
    proposal = start(organizer_client, forum, django_capture_on_commit_callbacks)
    url = reverse("panels:proposal", args=[forum.slug, proposal.pk])
    english = organizer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kamran Aliyev is available only" in english
    assert "Cloud security" in english and "Identity" in english


def test_people_who_are_not_organizers_are_kept_out(client, forum):
    client.force_login(UserFactory())
    assert client.get(reverse("panels:proposals", args=[forum.slug])).status_code == 403


@pytest.mark.parametrize("decision", ["discard"])
def test_a_discarded_proposal_leaves_the_schedule_alone(
    organizer_client, forum, hall, decision, django_capture_on_commit_callbacks
):
    PanelFactory(forum=forum, planned_minutes=60)
    proposal = start(organizer_client, forum, django_capture_on_commit_callbacks)
    organizer_client.post(reverse("panels:proposal-decide", args=[forum.slug, proposal.pk, decision]))
    proposal.refresh_from_db()
    assert proposal.status == ScheduleProposal.Status.DISCARDED
    assert not Panel.objects.filter(status=Panel.Status.SCHEDULED).exists()
