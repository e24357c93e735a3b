"""Exactly-once delivery through real faults: a Celery worker subprocess on Redis, the test's
PostgreSQL database and a real SMTP server (aiosmtpd) that records every accepted message."""

import datetime
import json
import signal
import textwrap

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import OutboxMessage
from tests.faults.conftest import wait_all_sent
from tests.mailserver import free_port, wait_for

State = OutboxMessage.State

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

CONTEXT = {"date": "2026-05-04", "counts": {"registrations": 1, "failed_new": 0, "failed_total": 0, "retrying": 0}}


def enqueue_batch(count, *, prefix="batch", recipients=None):
    """Enqueue like a request does: in one transaction, dispatched when it commits."""
    with transaction.atomic():
        messages = [
            services.enqueue(
                kind="organizer_digest",
                recipient=(recipients[i] if recipients else f"person{i}@example.org"),
                language=("az", "en", "ru", "tr")[i % 4],
                context=CONTEXT,
                dedupe_key=f"{prefix}:{i}",
            )
            for i in range(count)
        ]
    return [message.pk for message in messages]


def assert_each_delivered_once(smtp, ids):
    counts = smtp.handler.outbox_ids()
    assert set(counts) == {str(pk) for pk in ids}
    duplicates = {pk: n for pk, n in counts.items() if n > 1}
    assert not duplicates, f"delivered more than once: {duplicates}"


def test_200_messages_are_delivered_once_even_with_a_second_task_for_each(spawn, smtp, broker):
    ids = enqueue_batch(200)
    for pk in ids:  # a duplicate task per message, as an acks_late redelivery would produce
        assert services.dispatch(message_id=pk)
    assert broker.pending() == 400

    spawn("worker")
    wait_all_sent(200, timeout=240)
    broker.wait_drained(timeout=120)

    assert_each_delivered_once(smtp, ids)
    assert smtp.handler.count() == 200
    assert set(OutboxMessage.objects.values_list("state", "attempts").distinct()) == {(State.SENT, 1)}


def test_worker_killed_mid_batch_and_restarted_delivers_everything_once(spawn, smtp, broker, settings):
    ids = enqueue_batch(200)
    first = spawn("worker")
    wait_for(lambda: smtp.handler.count() >= 40, timeout=120, message="the first 40 deliveries")

    # Hold the server's DATA replies until both pool processes are inside an SMTP transaction,
    # then SIGKILL the whole worker (main process and children) while those sends are in flight.
    smtp.handler.holding = True
    wait_for(lambda: smtp.handler.waiting == 2, timeout=60, message="two sends in flight")
    first.kill(signal.SIGKILL)
    wait_for(lambda: smtp.handler.waiting == 0, timeout=30, message="the server to drop the lost sessions")
    smtp.handler.holding = False
    delivered_before_restart = smtp.handler.count()
    assert OutboxMessage.objects.filter(state=State.SENDING).count() == 2  # claimed, never finished
    assert delivered_before_restart < 200

    # The restarted worker drains the queue; the sweeper reclaims the two orphaned claims (and
    # re-dispatches tasks the dead worker had reserved) once their timeouts pass.
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 3
    settings.NOTIFICATIONS_REDISPATCH_AFTER = 5
    # The dead worker's two unacknowledged tasks come back from Redis after the visibility
    # timeout (an hour in production, seconds here): they must find their rows sent and do nothing.
    spawn("worker", env={"CELERY_VISIBILITY_TIMEOUT": "8", "CELERY_UNACKED_RESTORE_INTERVAL": "1"})
    wait_all_sent(200, timeout=240, sweep_every=1.0)
    broker.wait_drained(timeout=120)

    assert_each_delivered_once(smtp, ids)
    reclaimed = OutboxMessage.objects.filter(attempts=2)
    assert reclaimed.count() == 2 and all(m.last_error == "" for m in reclaimed)


def test_a_worker_reuses_its_smtp_sessions_and_quits_them_when_it_stops(spawn, smtp, broker):
    ids = enqueue_batch(40)
    worker = spawn("worker")  # two pool processes: at most one session each
    wait_all_sent(40, timeout=120)
    broker.wait_drained()
    assert_each_delivered_once(smtp, ids)
    assert 1 <= smtp.handler.sessions <= 2
    assert smtp.handler.quits == 0

    worker.stop()  # SIGTERM: each pool process says QUIT on its way out
    wait_for(lambda: smtp.handler.quits == smtp.handler.sessions, timeout=30, message="a QUIT per session")


WEB_REQUEST = textwrap.dedent(
    """
    import json, time
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from notifications import services

    timings = []
    for i in range(3):
        started = time.monotonic()
        with transaction.atomic():  # what a registration request does: its row and its mail
            user = get_user_model().objects.create(username=f"attendee{i}", email=f"attendee{i}@example.org")
            services.enqueue(kind="organizer_digest", recipient=user.email, language="en",
                             context={"date": "2026-05-04", "counts": {}}, dedupe_key=f"registered:{user.pk}")
        timings.append(time.monotonic() - started)
    print(json.dumps({"timings": timings}))
    """
)


def test_broker_down_during_a_request_returns_fast_and_the_mail_goes_out_later(spawn, smtp, broker, tmp_path):
    from django.contrib.auth import get_user_model

    script = tmp_path / "web_request.py"
    script.write_text(WEB_REQUEST)
    web = spawn("python", str(script), env={"CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/4"})
    assert web.popen.wait(timeout=120) == 0, web.output()
    timings = json.loads(web.output().strip().splitlines()[-1])["timings"]
    assert max(timings) < 2, timings  # the bound for a request while Redis is unreachable
    assert get_user_model().objects.filter(username__startswith="attendee").count() == 3
    waiting = OutboxMessage.objects.filter(state=State.QUEUED)
    assert waiting.count() == 3 and not waiting.filter(dispatched_at__isnull=False).exists()
    assert broker.pending() == 0  # nothing reached Redis

    spawn("worker")  # the broker is back (the real Redis): the minute's sweep sends the backlog
    assert services.sweep()["dispatched"] == 3
    wait_all_sent(3, timeout=60)
    broker.wait_drained()
    assert_each_delivered_once(smtp, list(OutboxMessage.objects.values_list("pk", flat=True)))


def test_smtp_451_then_250_is_delivered_once_and_550_fails_without_retry(spawn, smtp, broker):
    smtp.handler.script("busy@example.org", "451 4.3.0 Mailbox busy, try again later")
    smtp.handler.script("gone@example.org", "550 5.1.1 No such user here")
    busy, gone, fine = enqueue_batch(
        3, prefix="smtp", recipients=["busy@example.org", "gone@example.org", "fine@example.org"]
    )
    spawn("worker")  # NOTIFICATIONS_RETRY_BASE_SECONDS=1: the retry is a ~1 s countdown task
    wait_all_sent(2, timeout=90)
    broker.wait_drained()
    # A later sweep finds nothing due: the failed message is not retried.
    assert services.sweep(now=timezone.now() + datetime.timedelta(hours=2))["dispatched"] == 0
    broker.wait_drained()

    rows = {row.pk: row for row in OutboxMessage.objects.all()}
    assert (rows[busy].state, rows[busy].attempts) == (State.SENT, 2)
    assert (rows[fine].state, rows[fine].attempts) == (State.SENT, 1)
    assert (rows[gone].state, rows[gone].attempts) == (State.FAILED, 1)
    assert "550" in rows[gone].last_error and "No such user" in rows[gone].last_error
    assert smtp.handler.attempts["busy@example.org"] == 2
    assert smtp.handler.attempts["gone@example.org"] == 1
    assert_each_delivered_once(smtp, [busy, fine])


def _digest_every_second():
    from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

    task = "organizer.tasks.send_organizer_digest"
    PeriodicTask.objects.exclude(task=task).update(enabled=False)
    schedule, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="Outbox: organizer digest",
        defaults={"task": task, "interval": schedule, "crontab": None, "enabled": True, "expire_seconds": None},
    )
    PeriodicTasks.update_changed()


ORGANIZERS = {"ORGANIZER_EMAILS": "chair@example.org,secretariat@example.org"}


def test_two_beat_processes_at_once_queue_one_digest_per_organizer(spawn, smtp, broker):
    _digest_every_second()  # instead of daily at 08:00, so both beats fire it again and again
    worker = spawn("worker", env=ORGANIZERS)
    # Without the leader lock (config/beat.py) both beats send: the dedupe keys alone must hold.
    beats = [spawn("beat", env={**ORGANIZERS, "BEAT_LOCK_TIMEOUT": "0"}) for _ in range(2)]
    for beat in beats:
        beat.wait_for_output("Sending due task Outbox: organizer digest", count=3, timeout=90)
    for beat in beats:
        beat.stop()
    broker.wait_drained(timeout=90)
    wait_all_sent(2, timeout=60)
    broker.wait_drained()

    assert worker.output().count("send_organizer_digest[") >= 6  # the scan ran at least 6 times
    digests = OutboxMessage.objects.filter(kind="organizer_digest")
    assert sorted(digests.values_list("recipient", flat=True)) == ["chair@example.org", "secretariat@example.org"]
    assert len(smtp.handler.to("chair@example.org")) == 1
    assert len(smtp.handler.to("secretariat@example.org")) == 1


SCAN = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from organizer import services
    start_at = float(sys.argv[1])
    time.sleep(max(0.0, start_at - time.time()))
    for _ in range(10):
        services.send_organizer_digest()
    """
)


def test_the_digest_scan_run_by_concurrent_processes_queues_it_once(spawn, smtp, broker, tmp_path):
    import time

    script = tmp_path / "scan.py"
    script.write_text(SCAN)
    start_at = str(time.time() + 4)  # the processes start the scan at the same instant
    scans = [spawn("python", str(script), start_at, env=ORGANIZERS) for _ in range(3)]
    for scan in scans:
        assert scan.popen.wait(timeout=120) == 0, scan.output()
    digests = OutboxMessage.objects.filter(kind="organizer_digest")
    assert sorted(digests.values_list("recipient", flat=True)) == ["chair@example.org", "secretariat@example.org"]
    assert broker.pending() == 2  # one delivery task per digest, none for the duplicates
