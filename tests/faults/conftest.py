"""Real moving parts for fault tests: Celery worker subprocesses on the machine's Redis, the
test's PostgreSQL database (shared with the workers, so tests use ``transaction=True``) and an
aiosmtpd server that records what it accepts."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis as redis_client

from tests.mailserver import SMTPServer, wait_for

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
QUEUES = ("mail", "celery")


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    try:
        yield server
    finally:
        server.stop()


def _reset_pools(app):
    """Forget broker connections made under the previous configuration."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_url):
    """This (web) process publishes to the real Redis instead of running tasks eagerly."""
    from config.celery import app
    from notifications import services

    client = redis_client.Redis.from_url(redis_url)
    client.flushdb()
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=redis_url, task_always_eager=False)
    _reset_pools(app)
    services.reset_broker_backoff()
    try:
        yield Broker(redis_url, client)
    finally:
        app.conf.update(saved)
        _reset_pools(app)
        services.reset_broker_backoff()
        client.flushdb()
        client.close()


class Broker:
    def __init__(self, url, client):
        self.url = url
        self.client = client

    def pending(self):
        """Tasks still queued, reserved or scheduled (countdown) in Redis."""
        return sum(self.client.llen(queue) for queue in QUEUES) + self.client.hlen("unacked")

    def wait_drained(self, timeout=60):
        wait_for(lambda: self.pending() == 0, timeout=timeout, message="the task queues to drain")


def database_url():
    from django.db import connection

    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def process_env(transactional_db, broker, smtp):
    """Environment of a worker, beat or web subprocess: the test database, Redis and SMTP."""
    env = {key: value for key, value in os.environ.items() if key not in {"CACHE_URL", "EMAIL_URL"}}
    env.update(
        DJANGO_ENV="test",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(REPO),
        DATABASE_URL=database_url(),
        CONN_MAX_AGE="0",
        CELERY_BROKER_URL=broker.url,
        EMAIL_URL=smtp.url,
        EMAIL_TIMEOUT="10",
        NOTIFICATIONS_RETRY_BASE_SECONDS="1",
        NOTIFICATIONS_RETRY_MAX_SECONDS="4",
        LOG_LEVEL="INFO",
    )
    return env


class Process:
    """A subprocess in its own process group, logging to a file."""

    def __init__(self, args, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            args, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def output(self):
        return Path(self.log_path).read_text(errors="replace")

    def wait_for_output(self, text, *, timeout=60, count=1):
        def seen():
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.log_path} exited early:\n{self.output()[-3000:]}")
            return self.output().count(text) >= count

        wait_for(seen, timeout=timeout, interval=0.2, message=f"{text!r} in {self.log_path}")

    def kill(self, sig=signal.SIGKILL):
        """Signal the whole process group (a worker's pool children too) and wait for the exit."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self):
        if self.popen.poll() is None:
            self.kill(signal.SIGTERM)
        with contextlib.suppress(ProcessLookupError):  # leftovers of the group, if any
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture
def spawn(process_env, tmp_path):
    """Start subprocesses that are always killed at the end of the test."""
    started = []

    def start(kind, *extra, env=None):
        name = f"{kind}-{len(started)}-{uuid.uuid4().hex[:6]}"
        if kind == "worker":
            args = [
                str(BIN / "celery"), "-A", "config", "worker", "-Q", ",".join(QUEUES), "--concurrency=2",
                "--pool=prefork", "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "--loglevel=INFO", *extra,
            ]  # fmt: skip
        elif kind == "beat":
            args = [
                str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO", "--pidfile=",
                "-s", str(tmp_path / f"{name}.schedule"), *extra,
            ]  # fmt: skip
        else:
            args = [str(BIN / "python"), *extra]
        process = Process(args, {**process_env, **(env or {})}, tmp_path / f"{name}.log")
        started.append(process)
        if kind == "worker":
            process.wait_for_output(" ready.", timeout=90)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop()
        _close_connections()


def _close_connections():
    from django.db import connections

    for connection in connections.all():
        connection.close_if_unusable_or_obsolete()


def wait_all_sent(total, *, timeout=120, sweep_every=None):
    """Wait until ``total`` rows are sent, optionally running the sweeper meanwhile."""
    from notifications import services
    from notifications.models import OutboxMessage

    last_sweep = 0.0

    def done():
        nonlocal last_sweep
        if sweep_every and time.monotonic() - last_sweep >= sweep_every:
            services.sweep()
            last_sweep = time.monotonic()
        return OutboxMessage.objects.filter(state=OutboxMessage.State.SENT).count() >= total

    wait_for(done, timeout=timeout, interval=0.2, message=f"{total} messages sent")
