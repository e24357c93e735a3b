"""Outbox throughput: 10,000 queued messages delivered to a local SMTP server by one worker.

Needs PostgreSQL and Redis. Environment (defaults in brackets):

* ``BENCH_DATABASE_URL`` or ``DATABASE_URL`` [postgres://postgres@127.0.0.1:5432/forum_bench]:
  the database is created when missing and migrated; its outbox is emptied first.
* ``BENCH_BROKER_URL`` or ``CELERY_BROKER_URL`` [redis://127.0.0.1:6379/7]: flushed first.
* ``BENCH_MESSAGES`` [10000], ``BENCH_CONCURRENCY`` [2]: messages and worker pool processes.
* ``BENCH_REUSE`` [both]: ``1`` delivers with ``NOTIFICATIONS_REUSE_SMTP_CONNECTION`` on (each pool
  process keeps its SMTP session), ``0`` with a connection per message, ``both`` runs the two back to
  back (off first) with the same number of messages.

The clock starts when the sweeper begins handing the queued rows to Redis and stops when the last
row is ``sent``. Results go to ``bench/results/outbox.json`` (one entry per variant, ``reuse_off``
and ``reuse_on``) and a line per variant in ``bench/results/README.md``.
"""

import datetime
import json
import os
import platform
import sys
import threading
import time
from pathlib import Path

from bench import RESULTS, record
from bench.server import REPO, free_port, setup_django, start, stop_process_group

WORKER_LOG = RESULTS / "tmp" / "outbox-worker.log"


class CountingHandler:
    """Accepts every message and counts it by its X-Outbox-Id header."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids = {}
        self.sessions = 0

    def reset(self):
        with self.lock:
            self.ids = {}
            self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.sessions += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        outbox_id = None
        for line in envelope.content.split(b"\r\n", 40):
            if line.lower().startswith(b"x-outbox-id:"):
                outbox_id = line.split(b":", 1)[1].strip().decode()
                break
        with self.lock:
            self.ids[outbox_id] = self.ids.get(outbox_id, 0) + 1
        return "250 2.0.0 OK"


VARIANTS = {"0": [False], "1": [True], "both": [False, True]}


def main():
    database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/forum_bench"
    )
    broker_url = os.environ.get("BENCH_BROKER_URL") or os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")
    total = int(os.environ.get("BENCH_MESSAGES", "10000"))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", "2"))
    choice = os.environ.get("BENCH_REUSE", "both").strip().lower()
    if choice not in VARIANTS:
        raise SystemExit(f"BENCH_REUSE must be 0, 1 or both, not {choice!r}")

    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    smtp.start()

    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "NOTIFICATIONS_SWEEP_BATCH": "1000",
    }
    env.pop("CACHE_URL", None)
    setup_django(
        env,
        keys=("DJANGO_ENV", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "LOG_LEVEL",
              "NOTIFICATIONS_SWEEP_BATCH"),
    )  # fmt: skip
    from django.db import connection

    results = {}
    try:
        for reuse in VARIANTS[choice]:
            handler.reset()
            results["reuse_on" if reuse else "reuse_off"] = _run(
                reuse=reuse, total=total, concurrency=concurrency, env=env, broker_url=broker_url, handler=handler
            )
    finally:
        smtp.stop()
        connection.close()

    path = RESULTS / "outbox.json"
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        saved = {}
    if not set(saved) <= {"reuse_off", "reuse_on"}:  # an older single-run file
        saved = {}
    saved.update(results)
    lines = []
    for result in results.values():
        lines.append(
            f"| {result['date'][:10]} | outbox | {total} messages, 1 worker x{concurrency}, {os.cpu_count()} CPUs, "
            f"SMTP connection {'reused' if result['reuse_smtp_connection'] else 'per message'} | "
            f"{result['messages_per_second']} msg/s | drained in {result['drain_seconds']} s | "
            f"{result['smtp_received']} received, {result['smtp_duplicates']} duplicates, "
            f"{result['smtp_sessions']} SMTP sessions |\n"
        )
    record("outbox.json", saved, lines)
    failed = [name for name, r in results.items() if r["sent"] != total or r["smtp_duplicates"]]
    if failed:
        raise SystemExit(f"outbox benchmark ({', '.join(failed)}): not every message was delivered exactly once")
    return results


def _run(*, reuse, total, concurrency, env, broker_url, handler):
    """Queue ``total`` messages, start a worker, dispatch them all and wait until every one is sent."""
    import django
    import redis
    from django.utils import timezone

    from notifications import services
    from notifications.models import OutboxMessage

    redis.Redis.from_url(broker_url).flushdb()
    OutboxMessage.objects.all().delete()

    now = timezone.now()
    context = {
        "date": now.date().isoformat(),
        "counts": {"registrations": 42, "invitation_answers": 7, "failed_new": 0, "failed_total": 0, "retrying": 0},
        "failed_kinds": [],
        "outbox_url": "http://127.0.0.1:8000/organizer/outbox/?state=failed",
    }
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind="organizer_digest",
                recipient=f"person{i}@example.org",
                language=("az", "en", "ru", "tr")[i % 4],
                context=context,
                dedupe_key=f"bench:{now.timestamp()}:{i}",
                next_attempt_at=now,
                dispatched_at=None,
            )
            for i in range(total)
        ],
        batch_size=1000,
    )

    worker, log = start(
        [
            str(Path(sys.executable).parent / "celery"),
            *("-A", "config", "worker", "-Q", "mail,celery", f"--concurrency={concurrency}", "--pool=prefork"),
            *("-n", "bench@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"),
        ],
        env={**env, "LOG_LEVEL": "INFO", "NOTIFICATIONS_REUSE_SMTP_CONNECTION": "true" if reuse else "false"},
        log_path=WORKER_LOG,
    )
    try:
        deadline = time.monotonic() + 90
        while b" ready." not in WORKER_LOG.read_bytes():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the worker did not start:\n" + (WORKER_LOG).read_text()[-3000:])
            time.sleep(0.2)

        started = time.monotonic()
        dispatched = 0
        while True:  # what beat's every-minute sweep does, run back to back
            step = services.sweep()["dispatched"]
            if not step:
                break
            dispatched += step
        publish_seconds = time.monotonic() - started

        sent = 0
        deadline = time.monotonic() + 1800
        while sent < total and time.monotonic() < deadline:
            time.sleep(0.5)
            sent = OutboxMessage.objects.filter(state=OutboxMessage.State.SENT).count()
        drain_seconds = time.monotonic() - started
    finally:
        stop_process_group(worker, log, WORKER_LOG)

    with handler.lock:
        received = sum(handler.ids.values())
        duplicates = sum(1 for n in handler.ids.values() if n > 1)
        sessions = handler.sessions
    states = dict(OutboxMessage.objects.values_list("state").annotate(n=django.db.models.Count("pk")))
    result = {
        "scenario": "outbox: queued messages delivered through one Celery worker to a local aiosmtpd",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "reuse_smtp_connection": reuse,
        "messages": total,
        "worker_concurrency": concurrency,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "tasks_dispatched": dispatched,
        "publish_seconds": round(publish_seconds, 2),
        "drain_seconds": round(drain_seconds, 2),
        "messages_per_second": round(sent / drain_seconds, 1) if drain_seconds else None,
        "sent": sent,
        "smtp_received": received,
        "smtp_duplicates": duplicates,
        "smtp_sessions": sessions,
        "states": states,
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
