"""Two organizers, one room, one slot, the same instant: exactly one wins.

Real concurrent PostgreSQL connections: each thread has its own Django connection and starts its
transaction at a barrier, so the bookings really overlap in the database.
"""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from panels import services
from panels.errors import PanelError
from panels.models import Panel, ScheduleChange
from tests.factories import PanelFactory, SpeakerFactory
from tests.panels.conftest import at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(jobs):
    """Run each job in its own thread and connection, released together; collect outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("won", job())
        except PanelError as exc:
            outcomes[index] = ("refused", exc)
        except Exception as exc:  # anything else is a bug the test must show
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_simultaneous_bookings_of_one_room_and_slot_let_exactly_one_win(forum, hall):
    panels = [PanelFactory(forum=forum) for _ in range(6)]
    start, end = at(forum, 0, "10:00"), at(forum, 0, "11:00")
    outcomes = race(
        [lambda panel=panel: services.schedule_panel(panel=panel, room=hall, start=start, end=end) for panel in panels]
    )
    kinds = [kind for kind, _value in outcomes]
    assert kinds.count("won") == 1, outcomes
    assert kinds.count("refused") == 5, outcomes
    for kind, value in outcomes:
        if kind == "refused":
            assert value.status == 409
            assert [conflict["code"] for conflict in value.conflicts] == ["room_booked"]
    assert Panel.objects.filter(room=hall, status=Panel.Status.SCHEDULED).count() == 1
    assert ScheduleChange.objects.filter(action=ScheduleChange.Action.SCHEDULED).count() == 1


def test_simultaneous_bookings_of_one_speaker_in_two_rooms_let_exactly_one_win(forum, hall, side_room):
    # The exclusion constraint knows nothing of speakers: only the forum's lock stops this race.
    speaker = SpeakerFactory()
    first, second = PanelFactory(forum=forum), PanelFactory(forum=forum)
    for panel in (first, second):
        services.add_participant(panel=panel, speaker=speaker)
    start, end = at(forum, 1, "14:00"), at(forum, 1, "15:00")
    outcomes = race(
        [
            lambda: services.schedule_panel(panel=first, room=hall, start=start, end=end),
            lambda: services.schedule_panel(panel=second, room=side_room, start=start, end=end),
        ]
    )
    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["refused", "won"], outcomes
    refusal = next(value for kind, value in outcomes if kind == "refused")
    assert [conflict["code"] for conflict in refusal.conflicts] == ["speaker_busy"]
    assert Panel.objects.filter(status=Panel.Status.SCHEDULED).count() == 1


def test_the_exclusion_constraint_alone_refuses_an_overlapping_row(forum, hall):
    booked = PanelFactory(forum=forum)
    services.schedule_panel(panel=booked, room=hall, start=at(forum, 0, "10:00"), end=at(forum, 0, "11:00"))
    intruder = PanelFactory(forum=forum)
    # Straight to the table, past the service and its lock.
    with pytest.raises(IntegrityError, match="panel_room_slot_no_overlap"), transaction.atomic():
        Panel.objects.filter(pk=intruder.pk).update(
            room=hall, start=at(forum, 0, "10:59"), end=at(forum, 0, "12:00"), status=Panel.Status.PUBLISHED
        )
    # Adjacent, draft or cancelled rows do not hold the slot and are accepted.
    Panel.objects.filter(pk=intruder.pk).update(
        room=hall, start=at(forum, 0, "11:00"), end=at(forum, 0, "12:00"), status=Panel.Status.SCHEDULED
    )
    cancelled = PanelFactory(forum=forum)
    Panel.objects.filter(pk=cancelled.pk).update(
        room=hall, start=at(forum, 0, "10:00"), end=at(forum, 0, "11:00"), status=Panel.Status.CANCELLED
    )
    assert Panel.objects.filter(room=hall).count() == 3


def test_the_constraint_exists_only_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT contype FROM pg_constraint WHERE conname = 'panel_room_slot_no_overlap'")
        assert cursor.fetchone() == ("x",)


def test_without_the_lock_the_constraint_still_lets_only_one_win(forum, hall, monkeypatch):
    # Switch the first line of defence off: both transactions pass the checks, the database's
    # exclusion constraint refuses the second, and the service turns that into a clear 409.
    monkeypatch.setattr(services, "lock_forum_schedule", lambda forum_id: None)
    panels = [PanelFactory(forum=forum) for _ in range(4)]
    start, end = at(forum, 0, "15:00"), at(forum, 0, "16:00")
    outcomes = race(
        [lambda panel=panel: services.schedule_panel(panel=panel, room=hall, start=start, end=end) for panel in panels]
    )
    kinds = [kind for kind, _value in outcomes]
    assert kinds.count("won") == 1, outcomes
    assert kinds.count("refused") == 3, outcomes
    assert all(value.status == 409 for kind, value in outcomes if kind == "refused")
    assert Panel.objects.filter(room=hall, status=Panel.Status.SCHEDULED).count() == 1


def test_scheduling_that_waits_too_long_for_the_schedule_lock_is_refused_as_busy(forum, hall, settings):
    """Another transaction holds the forum's scheduling lock: placing a panel waits
    LOCK_TIMEOUT_MS, not forever, and gets the clear "busy" error; the panel is left unplaced."""
    from core.locks import Busy

    settings.LOCK_TIMEOUT_MS = 200
    panel = PanelFactory(forum=forum)
    logged = ScheduleChange.objects.filter(panel_id=panel.pk).count()
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                services.lock_forum_schedule(forum.pk)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=30)
        with pytest.raises(Busy) as raised:
            services.schedule_panel(panel=panel, room=hall, start=at(forum, 0, "10:00"), end=at(forum, 0, "11:00"))
        assert raised.value.code == "busy" and raised.value.status == 409
    finally:
        release.set()
        holder.join(timeout=30)
    panel.refresh_from_db()
    assert panel.start is None and panel.status == Panel.Status.DRAFT
    assert ScheduleChange.objects.filter(panel_id=panel.pk).count() == logged
