"""The loopback cluster of deploy/cluster.py, started once for this package: nginx (TLS) in front of
two gunicorn nodes, two Celery workers and one beat, on the test's PostgreSQL database, two Redis
databases of their own and an aiosmtpd server in this process that records every message.

The tests reach the cluster only as visitors and operators would: HTTP through nginx (or straight
to one node), signals to its processes, its log files. This process uses the ORM on the same
database to set up data and read the outcome, in autocommit: what a test writes is committed, so
the cluster sees it at once.

The database is never emptied while the cluster runs; each test makes its own edition, people and
messages (ids never repeat), and the package empties the database once, after the cluster has
stopped. Emptying it between tests, as ``transaction=True`` does, is something no deployment does
to running processes, and they are entitled to keep what they read: every web and worker process
keeps the id of each content type it has used (Django's ContentType cache). A sign-up's
transaction writes its own rows under the forum's lock; the one row it depends on that it neither
wrote nor locked is that content type, the target of the outbox row's ``related_type`` foreign key,
checked at commit. A process holding an id that a flush removed, or that the rows re-created
afterwards do not carry, therefore fails the commit with an IntegrityError, which register()
answered as a "duplicate" (409): what one sign-up got when these tests ran after another one.
Restoring the rows with their old ids (``serialized_rollback``) only narrowed the window: a process
that looks a content type up between the flush and the restore creates it afresh under a new id
(``get_for_model`` creates what it does not find), and in a session where another transactional
test had flushed the database first, the restore itself failed (IntegrityError on
``django_content_type`` at setup). This is an artifact of the harness, not of the application:
register() now also answers "duplicate" only for the unique constraint it is about.
"""

import json
import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import redis as redis_client
import requests
import urllib3
from django.test.utils import setup_databases, teardown_databases

from deploy.cluster import NGINX, Cluster
from tests.conftest import _missing
from tests.faults.conftest import _reset_pools, database_url
from tests.mailserver import SMTPServer, wait_for

# No django_db marker: the database is opened by ``_committed_database`` below, without the flush
# after each test that pytest-django's transactional tests do (see the module's docstring).
CLUSTER_TEST = [pytest.mark.cluster, pytest.mark.postgres, pytest.mark.redis]
PORT = int(os.environ.get("TEST_CLUSTER_PORT", "18010"))
REDIS_DBS = os.environ.get("TEST_CLUSTER_REDIS_DBS", "13,14")

# Limits tightened (or loosened) so each test reaches them in a few requests.
CLUSTER_ENV = {
    "RSVP_RATE_LIMIT": "10/h",
    "THROTTLE_LOGIN": "5/hour",
    "THROTTLE_REGISTRATION": "100000/hour",
    "THROTTLE_ANON": "100000/hour",
    "REGISTRATION_FORM_RATE": "100000/h",
    "REGISTRATION_ADDRESS_RATE": "100000/h",  # every sign-up of these tests comes from 127.0.0.1
    "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
    "NOTIFICATIONS_RETRY_MAX_SECONDS": "4",
    "NOTIFICATIONS_SENDING_TIMEOUT": "4",
    "NOTIFICATIONS_REDISPATCH_AFTER": "5",
    "CELERY_VISIBILITY_TIMEOUT": "10",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "BEAT_LOCK_TIMEOUT": "6",
    "PROGRAM_CACHE_TIMEOUT": "600",
}


def _redis_urls():
    base = os.environ.get("TEST_REDIS_URL", "")
    if not base:
        _missing("Redis is not configured (TEST_REDIS_URL)")
    parsed = urlparse(base)
    broker_db, cache_db = REDIS_DBS.split(",")
    return parsed._replace(path=f"/{broker_db}").geturl(), parsed._replace(path=f"/{cache_db}").geturl()


class Running:
    """The started cluster, its mail server and helpers to talk to it."""

    def __init__(self, cluster, smtp, broker_url, cache_url):
        self.cluster = cluster
        self.smtp = smtp
        self.broker_url = broker_url
        self.cache = redis_client.Redis.from_url(cache_url)
        self.url = cluster.url

    def session(self):
        """A visitor's HTTP client, trusting the cluster's self-signed certificate."""
        session = requests.Session()
        session.trust_env = False  # no proxy or CA bundle from the environment: loopback only
        session.verify = str(self.cluster.cert)
        return session

    def node(self, name):
        """A client straight to one gunicorn node, as if TLS ended in front of it.

        Production cookies are Secure; over this plain-HTTP hop they are sent by hand."""
        return NodeClient(self.cluster.node_url(name))

    def access_log(self):
        path = self.cluster.logs / "nginx-access.log"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def access_log_settled(self, since, at_least, timeout=10):
        """The access log's entries after ``since``, once it holds ``at_least`` of them: nginx writes
        a request's line after the response has left, so a client can be done a moment before it."""
        deadline = time.monotonic() + timeout
        while True:
            entries = self.access_log()[since:]
            if len(entries) >= at_least or time.monotonic() > deadline:
                return entries
            time.sleep(0.1)

    def log_lines(self, name):
        lines = []
        for raw in self.cluster.log(name).read_text(errors="replace").splitlines():
            if raw.startswith("{"):
                try:
                    lines.append(json.loads(raw))
                except ValueError:
                    continue
        return lines

    def reset_limits(self):
        """Forget every rate-limit counter (the cluster's cache database) and sign-in lockout."""
        from axes.models import AccessAttempt

        self.cache.flushdb()
        AccessAttempt.objects.all().delete()


class NodeClient:
    def __init__(self, base):
        self.base = base
        self.cookies = {}

    def request(self, method, path, **kwargs):
        headers = {"X-Forwarded-Proto": "https", **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        with requests.Session() as session:
            session.trust_env = False
            response = session.request(
                method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
            )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)


@pytest.fixture(scope="package")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    if not (shutil.which("nginx") or os.path.exists(NGINX)):
        _missing("nginx is not installed (make cluster-deps)")
    for port in (PORT, PORT + 1, PORT + 2):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                _missing(f"port {port} is taken: set TEST_CLUSTER_PORT")
    broker_url, cache_url = _redis_urls()
    for url in (broker_url, cache_url):
        redis_client.Redis.from_url(url).flushdb()

    from config.celery import app

    created_database = _test_database(django_db_blocker)
    snapshot = None
    if not created_database:
        # The rows migrations made (the Organizers group, the standard themes...), taken before the
        # cluster writes, so the tests that run after this package find them again.
        from django.db import connection

        with django_db_blocker.unblock():
            snapshot = connection.creation.serialize_db_to_string()
    smtp = SMTPServer().start()
    with django_db_blocker.unblock():
        db_url = database_url()
    directory = tmp_path_factory.mktemp("cluster")
    cluster = Cluster(
        directory=directory, port=PORT, database_url=db_url, broker_url=broker_url, cache_url=cache_url,
        email_url=smtp.url, extra_env=CLUSTER_ENV,
    )  # fmt: skip
    # This process publishes to the cluster's broker (the sweeper in tests), never runs tasks itself.
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=broker_url, task_always_eager=False)
    _reset_pools(app)
    try:
        with django_db_blocker.unblock():
            cluster.start(migrate=False)  # the test database is migrated
        yield Running(cluster, smtp, broker_url, cache_url)
    finally:
        cluster.stop()
        with django_db_blocker.unblock():  # now that nothing of the cluster runs
            if created_database:
                teardown_databases(created_database, verbosity=0)
            else:
                _empty_database(snapshot)
        smtp.stop()
        app.conf.update(saved)
        _reset_pools(app)
        for url in (broker_url, cache_url):
            redis_client.Redis.from_url(url).flushdb()
        if os.environ.get("CI") and (directory / "logs").exists():
            # Keep the logs where a failed CI run can be read.
            target = Path(__file__).resolve().parents[2] / "var" / "cluster-test-logs"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(directory / "logs", target)


def _test_database(django_db_blocker):
    """pytest-django creates the test database when a test of the session carries a django_db
    marker; these tests carry none (see the module's docstring), so when they run alone the package
    creates it. Returns what ``teardown_databases`` needs, or None when it already existed."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.settings_dict["NAME"] == connection.creation._get_test_db_name():
            return None
        return setup_databases(verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set())


def _empty_database(snapshot):
    """What a transactional test with a serialized rollback does after itself, once for the
    package: empty every table, then bring back the rows there were before the cluster started."""
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture(autouse=True)
def _committed_database(cluster, django_db_blocker):
    """The test's ORM calls run in autocommit on the cluster's database, emptied only at the end of
    the package (``cluster``)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def organizer_user():
    from django.contrib.auth.models import Group, Permission

    from core.permissions import ORGANIZERS_GROUP
    from tests.factories import UserFactory

    group, _created = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    if not group.permissions.exists():  # a transactional test earlier in the session flushed them
        apps = ("forum", "panels", "speakers", "registration", "notifications")
        group.permissions.add(*Permission.objects.filter(content_type__app_label__in=apps))
    user = UserFactory(is_staff=True)
    user.groups.add(group)
    return user


def upstreams(entries):
    """The gunicorn ports that served these access-log entries (the last try of each)."""
    ports = []
    for entry in entries:
        last = (entry.get("upstream") or "").split(",")[-1].strip()
        match = re.search(r":(\d+)$", last)
        if match:
            ports.append(int(match.group(1)))
    return ports


def run_concurrently(jobs, *, timeout=120):
    """Run each job in its own thread, released together; returns (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as exc:  # reported by the caller's assertions
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
__all__ = ["CLUSTER_TEST", "run_concurrently", "upstreams", "wait_for"]
