"""Two workers and a beat started twice by mistake: every message is delivered exactly once and
each periodic job is sent once per period; a worker killed in the middle of a batch leaves the
rest of the outbox to the other one."""

import itertools
import re
import time
from datetime import datetime

from django.db import transaction

from notifications import services
from notifications.models import OutboxMessage
from tests.cluster.conftest import CLUSTER_TEST, wait_for

pytestmark = CLUSTER_TEST

State = OutboxMessage.State
CONTEXT = {"date": "2026-05-04", "counts": {"registrations": 1, "failed_new": 0, "failed_total": 0, "retrying": 0}}
PERIOD = 2  # seconds between two runs of the test's periodic job
JOB = "Cluster test: sweep every 2 s"


def _enqueue(count, prefix):
    """As a request does: rows written in one transaction, dispatched to the broker at commit."""
    with transaction.atomic():
        rows = [
            services.enqueue(
                kind="organizer_digest",
                recipient=f"{prefix}{i}@example.org",
                language=("az", "en", "ru", "tr")[i % 4],
                context=CONTEXT,
                dedupe_key=f"{prefix}:{i}",
            )
            for i in range(count)
        ]
    return [row.pk for row in rows]


def _all_sent(ids, *, sweep=False):
    if sweep:
        services.sweep()
    return not OutboxMessage.objects.filter(pk__in=ids).exclude(state=State.SENT).exists()


def _assert_each_once(smtp, ids):
    delivered = smtp.handler.outbox_ids()
    assert {str(pk): delivered.get(str(pk)) for pk in ids} == {str(pk): 1 for pk in ids}


def _fast_periodic_job():
    from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

    every, _ = IntervalSchedule.objects.get_or_create(every=PERIOD, period=IntervalSchedule.SECONDS)
    task, _ = PeriodicTask.objects.update_or_create(
        name=JOB,
        defaults={"task": "notifications.tasks.sweep_outbox", "interval": every, "enabled": True, "expire_seconds": 30},
    )
    PeriodicTasks.update_changed()
    return task


SENT_LINE = re.compile(r"Sending due task " + re.escape(JOB))


def _sends(running, names):
    """(time, beat) of every send of the test's job, from the beats' JSON logs."""
    sends = []
    for name in names:
        for line in running.log_lines(name):
            if SENT_LINE.search(line.get("message", "")):
                sends.append((datetime.strptime(line["time"], "%Y-%m-%d %H:%M:%S,%f"), name))
    return sorted(sends)


def test_two_beats_and_two_workers_send_each_job_once_per_period_and_each_message_once(cluster):
    beats = ("beat", "beat2")
    job = _fast_periodic_job()
    # The cluster's beat is restarted and a second one started beside it (the mistake), both
    # reading the schedule afresh (earlier tests emptied the tables under the running beat).
    cluster.cluster.stop_process("beat")
    cluster.cluster.start_process("beat")
    cluster.cluster.start_process("beat2")
    try:
        wait_for(lambda: len(_sends(cluster, beats)) >= 2, timeout=60, message="the job's first sends")
        first = len(_sends(cluster, beats))
        ids = _enqueue(120, prefix=f"twice{job.pk}-{int(time.time())}-")
        window = 16
        time.sleep(window)
        sends = _sends(cluster, beats)[first:]
        wait_for(lambda: _all_sent(ids), timeout=120, message="120 messages sent")
    finally:
        from django_celery_beat.models import PeriodicTask, PeriodicTasks

        PeriodicTask.objects.filter(name=JOB).delete()
        PeriodicTasks.update_changed()
        cluster.cluster.stop_process("beat2")

    # Once per period: about window / PERIOD sends in all, never two within one period, and from
    # one beat only (the other stood by). Two beats without the lock would send twice as many.
    senders = {name for _when, name in sends}
    gaps = [(b[0] - a[0]).total_seconds() for a, b in itertools.pairwise(sends)]
    print(f"{len(sends)} sends of a {PERIOD} s job in {window} s by {senders}; gaps {gaps}")
    assert len(senders) == 1, sends
    assert window / PERIOD - 2 <= len(sends) <= window / PERIOD + 1, sends
    assert min(gaps) >= PERIOD * 0.75, gaps
    standby = (set(beats) - senders).pop()
    assert "stands by" in cluster.cluster.tail(standby, 200000)

    _assert_each_once(cluster.smtp, ids)
    workers = {
        name
        for name in cluster.cluster.workers
        if "notifications.tasks.deliver_message" in cluster.cluster.tail(name, 2_000_000)
    }
    assert workers == set(cluster.cluster.workers), "both workers delivered"


def test_a_worker_killed_mid_batch_leaves_the_outbox_to_the_other(cluster, settings):
    smtp = cluster.smtp
    ids = _enqueue(200, prefix=f"killed-{int(time.time())}-")
    wait_for(lambda: smtp.handler.count() and _sent_count(ids) >= 10, timeout=90, message="the first deliveries")

    # Hold the server's answers until every pool process of both workers is inside an SMTP
    # transaction, then kill worker1 outright (main process and children) with those in flight.
    smtp.handler.holding = True
    try:
        wait_for(lambda: smtp.handler.waiting == 4, timeout=60, message="four sends in flight")
        cluster.cluster.kill("worker1")
        wait_for(lambda: smtp.handler.waiting == 2, timeout=30, message="the server to drop the lost sessions")
    finally:
        smtp.handler.holding = False
    assert _sent_count(ids) < 200

    # worker2 alone finishes: the rows worker1 had claimed are reclaimed once their claim is stale
    # (NOTIFICATIONS_SENDING_TIMEOUT, seconds here) and the tasks it had reserved are re-dispatched.
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 4
    settings.NOTIFICATIONS_REDISPATCH_AFTER = 5
    try:
        wait_for(lambda: _all_sent(ids, sweep=True), timeout=180, interval=1, message="the outbox drained by worker2")
        _assert_each_once(smtp, ids)
        assert cluster.cluster.pid("worker1") is None
    finally:
        cluster.cluster.start_process("worker1")
    print(f"worker1 killed with 2 sends in flight: 200 of 200 delivered once, {_retried(ids)} after a retry")


def _sent_count(ids):
    return OutboxMessage.objects.filter(pk__in=ids, state=State.SENT).count()


def _retried(ids):
    return OutboxMessage.objects.filter(pk__in=ids, attempts__gt=1).count()
