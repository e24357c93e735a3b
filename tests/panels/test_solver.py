"""The solver proposes placements that the manual scheduling rules accept, never moves pinned
panels, and explains the panels it cannot place."""

import contextlib
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panels import services
from panels.errors import PanelError
from panels.models import Availability, Panel
from panels.solver import explain, model, problem, score
from panels.solver.params import SolverParams
from panels.solver.problem import Blocked
from tests.factories import PanelFactory, RoomFactory, SpeakerFactory, register_attendee
from tests.panels.conftest import at, placed

FAST = {"time_limit": 5, "workers": 2}


def solve(forum, blocked=(), **params):
    loaded = problem.load(forum=forum, params=SolverParams(**{**FAST, **params}).validated(), blocked=list(blocked))
    return loaded, model.solve(loaded)


def window(speaker, forum, day, start, end):
    Availability.objects.create(speaker=speaker, forum=forum, start=at(forum, day, start), end=at(forum, day, end))


def manual_check(loaded, solution):
    """Apply every proposed placement through the scheduling service; each must pass its rules."""
    items = {item.id: item for item in loaded.items}
    rooms = {room.pk: room for room in loaded.forum.rooms.all()}
    for panel_id, (room_id, slot) in sorted(solution.placements.items(), key=lambda kv: kv[1][1]):
        start, end = loaded.slot_span(slot, items[panel_id].length)
        panel = Panel.objects.get(pk=panel_id)
        status, reasons, _warnings = services.check_slot(panel=panel, room=rooms[room_id], start=start, end=end)
        assert status is None, [reason.message for reason in reasons]
        if panel.holds_slot:
            services.unschedule_panel(panel=panel)
            panel.refresh_from_db()
        services.schedule_panel(panel=panel, room=rooms[room_id], start=start, end=end)


def test_every_panel_is_placed_where_the_manual_rules_allow_it(forum, hall, side_room):
    speakers = [SpeakerFactory() for _ in range(3)]
    for index in range(8):
        panel = PanelFactory(forum=forum, planned_minutes=60)
        services.add_participant(panel=panel, speaker=speakers[index % 3])
    window(speakers[0], forum, 1, "13:00", "17:00")  # three hours and two changeovers fit
    loaded, solution = solve(forum)
    assert solution.optimal
    assert len(solution.placements) == 8
    manual_check(loaded, solution)


def test_a_speaker_gets_the_changeover_gap_between_two_panels(forum, hall, side_room):
    forum.day_opens_at, forum.day_closes_at = datetime.time(9), datetime.time(11, 15)
    forum.end_date = forum.start_date
    forum.save()
    speaker = SpeakerFactory()
    for _index in range(2):
        panel = PanelFactory(forum=forum, planned_minutes=60)
        services.add_participant(panel=panel, speaker=speaker)
    _loaded, solution = solve(forum, changeover_minutes=15)
    starts = sorted(slot for _room, slot in solution.placements.values())
    assert len(starts) == 2 and starts[1] - starts[0] >= 5  # 60 minutes and 15 of changeover


def test_pinned_panels_never_move(forum, hall, side_room):
    speaker = SpeakerFactory()
    published = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True)
    locked = placed(forum, side_room, 0, "10:00", "11:00")
    Panel.objects.filter(pk=locked.pk).update(locked=True)
    movable = placed(forum, hall, 1, "10:00", "11:00")
    for _index in range(4):
        panel = PanelFactory(forum=forum, planned_minutes=60)
        services.add_participant(panel=panel, speaker=speaker)
    loaded, solution = solve(forum, scope="all")
    assert {published.pk, locked.pk} & set(solution.placements) == set()
    assert {fixed.id for fixed in loaded.fixed} == {published.pk, locked.pk}
    assert movable.pk in {item.id for item in loaded.items}
    manual_check(loaded, solution)
    published.refresh_from_db()
    assert published.start == at(forum, 0, "10:00") and published.room == hall


def test_large_audiences_and_interpretation_take_fitting_rooms(forum, hall, side_room):
    side_room.interpretation_languages = []
    side_room.save()
    crowded = PanelFactory(forum=forum, planned_minutes=60)
    interpreted = PanelFactory(forum=forum, planned_minutes=60, interpretation=True)
    for _number in range(45):
        registration = register_attendee(forum)
        registration.panels.add(crowded)
    _loaded, solution = solve(forum)
    assert solution.placements[crowded.pk][0] == hall.pk
    assert solution.placements[interpreted.pk][0] == hall.pk


def test_attendees_chosen_panels_are_kept_apart(forum, hall, side_room):
    forum.end_date = forum.start_date
    forum.day_opens_at, forum.day_closes_at = datetime.time(9), datetime.time(11)
    forum.save()
    panels = [PanelFactory(forum=forum, planned_minutes=60) for _ in range(4)]
    for _number in range(5):
        registration = register_attendee(forum)
        registration.panels.add(panels[0], panels[1])
    loaded, solution = solve(forum)
    assert solution.optimal
    first, second = solution.placements[panels[0].pk][1], solution.placements[panels[1].pk][1]
    assert first != second
    assert score.measure(loaded, score.schedule_of(loaded, solution.placements))["attendee_conflicts"] == 0


def test_keynotes_go_to_the_largest_room(forum, hall, side_room):
    keynote = PanelFactory(forum=forum, planned_minutes=45, format=Panel.Format.KEYNOTE)
    _loaded, solution = solve(forum)
    assert solution.placements[keynote.pk][0] == hall.pk


def test_breaks_are_left_free(forum, hall, side_room):
    forum.end_date = forum.start_date
    forum.day_opens_at, forum.day_closes_at = datetime.time(9), datetime.time(11)
    forum.save()
    panels = [PanelFactory(forum=forum, planned_minutes=60) for _ in range(3)]
    lunch = Blocked(start=at(forum, 0, "10:00"), end=at(forum, 0, "11:00"), label="Lunch")
    loaded, solution = solve(forum, blocked=[lunch])
    assert len(solution.placements) == 2
    assert all(slot == 0 for _room, slot in solution.placements.values())
    left = next(panel for panel in panels if panel.pk not in solution.placements)
    reasons = explain.explain(loaded, solution.placements)[left.pk]
    assert {reason["code"] for reason in reasons} == {"blocked", "room_taken"}


def test_breaks_placed_in_the_program_are_left_free(forum, hall, side_room):
    from panels.solver.problem import blocked_intervals
    from tests.factories import ProgramItemFactory

    forum.end_date = forum.start_date
    forum.day_opens_at, forum.day_closes_at = datetime.time(9), datetime.time(11)
    forum.save()
    PanelFactory(forum=forum, planned_minutes=60)
    ProgramItemFactory(forum=forum, start=at(forum, 0, "09:00"), end=at(forum, 0, "10:00"))
    assert blocked_intervals(forum) == [Blocked(at(forum, 0, "09:00"), at(forum, 0, "10:00"), "", None)]
    loaded = problem.load(forum=forum, params=SolverParams(**FAST).validated())
    solution = model.solve(loaded)
    assert [slot for _room, slot in solution.placements.values()] == [4]  # 10:00, after the break
    sentence = explain.describe({"code": "blocked", "label": "", "when": "09:00–10:00", "room": None})
    assert "09:00–10:00" in sentence


def test_an_infeasible_edition_names_the_constraints_that_block_each_panel(forum, hall, side_room):
    speaker = SpeakerFactory(first_name="Kamran", last_name="Aliyev")
    window(speaker, forum, 1, "14:00", "15:00")
    wanted = PanelFactory(forum=forum, planned_minutes=60, title="Zero trust")
    services.add_participant(panel=wanted, speaker=speaker)
    for _number in range(60):
        registration = register_attendee(forum)
        registration.panels.add(wanted)
    taken = placed(forum, hall, 1, "14:00", "15:00", title="Cloud security", publish=True)
    loaded, solution = solve(forum)
    assert wanted.pk not in solution.placements
    reasons = explain.explain(loaded, solution.placements)[wanted.pk]
    # Smallest set: his single window, the only room large enough, and what holds that room then.
    assert [reason["code"] for reason in reasons] == ["availability", "capacity", "room_taken"]
    assert reasons[2]["panel"] == taken.pk and reasons[2]["pinned"] is True
    sentences = [explain.describe(reason) for reason in reasons]
    assert "Kamran Aliyev" in sentences[0]
    assert "Cloud security" in sentences[2]


def test_the_explanation_is_minimal(forum, hall, side_room):
    speaker = SpeakerFactory()
    window(speaker, forum, 0, "10:00", "11:00")
    wanted = PanelFactory(forum=forum, planned_minutes=60)
    services.add_participant(panel=wanted, speaker=speaker)
    placed(forum, hall, 0, "10:00", "11:00", publish=True)
    placed(forum, side_room, 0, "10:00", "11:00", publish=True)
    placed(forum, hall, 1, "10:00", "11:00", publish=True)  # irrelevant: another day
    loaded, solution = solve(forum)
    reasons = explain.explain(loaded, solution.placements)[wanted.pk]
    assert [reason["code"] for reason in reasons] == ["availability", "room_taken", "room_taken"]


# --- property: on generated editions every proposal passes the manual rules ------------------

edition = st.fixed_dictionaries(
    {
        "rooms": st.lists(st.sampled_from([30, 80, 200]), min_size=1, max_size=3),
        "panels": st.lists(
            st.tuples(
                st.sampled_from([30, 45, 60, 90]),  # minutes
                st.lists(st.integers(0, 4), max_size=3, unique=True),  # speakers
                st.booleans(),  # interpretation
                st.integers(0, 50),  # audience
            ),
            min_size=1,
            max_size=8,
        ),
        "windows": st.dictionaries(
            st.integers(0, 4), st.tuples(st.integers(0, 1), st.integers(9, 15), st.integers(1, 4)), max_size=3
        ),
        "pinned": st.lists(st.tuples(st.integers(0, 1), st.integers(9, 16), st.integers(0, 4)), max_size=2),
        "changeover": st.sampled_from([0, 15, 30]),
    }
)


@pytest.mark.django_db(transaction=False)
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=edition)
def test_generated_editions_get_proposals_the_manual_rules_accept(django_db_blocker, data):
    from django.db import transaction

    from tests.factories import ForumFactory

    with transaction.atomic():
        forum = ForumFactory()
        rooms = [
            RoomFactory(forum=forum, capacity=cap, interpretation_languages=["en"] if i == 0 else [])
            for i, cap in enumerate(data["rooms"])
        ]
        speakers = [SpeakerFactory() for _ in range(5)]
        for speaker_index, (day, hour, hours) in data["windows"].items():
            start = forum.local_datetime(forum.days[day], datetime.time(hour))
            Availability.objects.create(
                speaker=speakers[speaker_index], forum=forum, start=start, end=start + datetime.timedelta(hours=hours)
            )
        for day, hour, speaker_index in data["pinned"]:
            with contextlib.suppress(PanelError):  # a generated pin that clashes is left out
                placed(
                    forum, rooms[0], day, f"{hour}:00", f"{hour}:45", speakers=[speakers[speaker_index]], publish=True
                )
        for minutes, speaker_ids, interpretation, audience in data["panels"]:
            panel = PanelFactory(forum=forum, planned_minutes=minutes, interpretation=interpretation)
            for speaker_index in speaker_ids:
                services.add_participant(panel=panel, speaker=speakers[speaker_index])
            for _number in range(audience // 10):
                register_attendee(forum).panels.add(panel)
        loaded, solution = solve(forum, changeover_minutes=data["changeover"], time_limit=3)
        items = {item.id: item for item in loaded.items}
        room_by_id = loaded.room_by_id
        for panel_id, (room_id, _slot) in solution.placements.items():
            assert room_by_id[room_id].capacity >= items[panel_id].seats
            assert room_by_id[room_id].interpretation or not items[panel_id].interpretation
        manual_check(loaded, solution)
        unplaced = explain.explain(loaded, solution.placements)
        assert set(unplaced) == set(items) - set(solution.placements)
        assert all(unplaced.values()), unplaced
        transaction.set_rollback(True)
