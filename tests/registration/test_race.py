"""No oversell, proven with real concurrent PostgreSQL connections.

Fifty threads, each with its own database connection, wait on a barrier and then register for a
forum of ten seats at the same moment. With the forum row lock every round ends with at most ten
seats held or confirmed and everybody else on the waitlist. The control runs the same race with
the forum row read without its lock (the test swaps the service's lock for a plain read) and
must oversell, which shows the race is real and the test can fail.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from forum.models import Forum
from registration import services
from registration.models import Registration
from registration.selectors import seat_usage
from tests.factories import ForumFactory, register_attendee, registration_input

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 50
SEATS = 10


def _race(jobs):
    """Run each job in its own thread and connection, all released together by a barrier."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait(timeout=60)
            job()
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def _registrar(forum, number):
    data = registration_input(email=f"racer{forum.pk}-{number}@example.org")
    return lambda: services.register(forum=forum, **data)


@pytest.fixture
def without_the_forum_lock(monkeypatch):
    """The control: the service reads the forum row but does not lock it."""

    def unlocked(forum_id):
        return Forum.objects.get(pk=forum_id)

    return lambda: monkeypatch.setattr(services, "_lock_forum", unlocked)


def _state(forum):
    taken, _by_category = seat_usage(forum=forum, now=timezone.now())
    waitlisted = Registration.objects.filter(forum=forum, status=Registration.Status.WAITLISTED).count()
    total = Registration.objects.filter(forum=forum).count()
    return taken, waitlisted, total


def test_fifty_connections_racing_for_ten_seats_never_oversell_and_the_unlocked_control_does(
    without_the_forum_lock, settings
):
    # Fifty writers queue on one row: on a busy test machine the last waits longer than the
    # production bound, and this test is about seats, not waits.
    settings.LOCK_TIMEOUT_MS = settings.STATEMENT_TIMEOUT_MS = 120_000
    assert connection.vendor == "postgresql"
    # Rounds 1-3: fifty newcomers race for ten free seats.
    for _round in range(3):
        forum = ForumFactory(capacity=SEATS)
        errors = _race([_registrar(forum, n) for n in range(THREADS)])
        assert errors == []
        taken, waitlisted, total = _state(forum)
        assert total == THREADS
        assert taken == SEATS  # held + confirmed never above capacity, and no seat left unused
        assert waitlisted == THREADS - SEATS

    # Round 4: ten confirmed attendees cancel while forty newcomers race in; every freed seat is
    # handed on inside the same locked transaction.
    forum = ForumFactory(capacity=SEATS)
    holders = [register_attendee(forum, email=f"holder{forum.pk}-{n}@example.org") for n in range(SEATS)]
    for holder in holders:
        services.confirm(token=holder.raw_token)
    cancels = [lambda token=holder.raw_token: services.cancel(token=token) for holder in holders]
    errors = _race(cancels + [_registrar(forum, n) for n in range(THREADS - SEATS)])
    assert errors == []
    taken, waitlisted, total = _state(forum)
    assert taken == SEATS
    assert waitlisted == THREADS - 2 * SEATS
    assert total == THREADS

    # Control: the same race without the forum lock oversells.
    without_the_forum_lock()
    oversold = []
    for _attempt in range(3):
        forum = ForumFactory(capacity=SEATS)
        errors = _race([_registrar(forum, n) for n in range(THREADS)])
        assert errors == []
        taken, _waitlisted, _total = _state(forum)
        oversold.append(taken)
        if taken > SEATS:
            break
    print(f"unlocked control: seats held per attempt {oversold} for {SEATS} seats")
    assert max(oversold) > SEATS, f"without the lock the race should oversell, got {oversold}"


def test_a_registration_that_waits_too_long_for_the_seat_lock_is_refused_as_busy(settings):
    """A transaction holds the forum row; a registration waits LOCK_TIMEOUT_MS, not forever, and
    gets a clear "busy" error; nothing is written."""
    from core.locks import Busy

    settings.LOCK_TIMEOUT_MS = 200
    forum = ForumFactory(capacity=SEATS)
    holding, release = threading.Event(), threading.Event()

    def hold():
        from django.db import transaction

        try:
            with transaction.atomic():
                Forum.objects.select_for_update().get(pk=forum.pk)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=30)
        with pytest.raises(Busy) as raised:
            _registrar(forum, 1)()
        assert raised.value.code == "busy" and raised.value.status == 409
    finally:
        release.set()
        holder.join(timeout=30)
    assert Registration.objects.filter(forum=forum).count() == 0
