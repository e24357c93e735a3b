"""No oversell, proven with real concurrent PostgreSQL connections.

Fifty threads, each with its own database connection, wait on a barrier and then register for a
forum of ten seats at the same moment. With the forum row lock every round ends with at most ten
seats held or confirmed and everybody else on the waitlist. The control runs the same race with
``lock=False`` (a service parameter that exists only for this proof) and must oversell, which
shows the race is real and the test can fail.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

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


def _registrar(forum, number, lock=True):
    data = registration_input(email=f"racer{forum.pk}-{number}@example.org")
    return lambda: services.register(forum=forum, lock=lock, **data)


def _state(forum):
    taken, _by_category = seat_usage(forum=forum, now=timezone.now())
    waitlisted = Registration.objects.filter(forum=forum, status=Registration.Status.WAITLISTED).count()
    total = Registration.objects.filter(forum=forum).count()
    return taken, waitlisted, total


def test_fifty_connections_racing_for_ten_seats_never_oversell_and_the_unlocked_control_does():
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
    oversold = []
    for _attempt in range(3):
        forum = ForumFactory(capacity=SEATS)
        errors = _race([_registrar(forum, n, lock=False) for n in range(THREADS)])
        assert errors == []
        taken, _waitlisted, _total = _state(forum)
        oversold.append(taken)
        if taken > SEATS:
            break
    print(f"unlocked control: seats held per attempt {oversold} for {SEATS} seats")
    assert max(oversold) > SEATS, f"without the lock the race should oversell, got {oversold}"
