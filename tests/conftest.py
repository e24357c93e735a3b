"""Shared fixtures. Real services: PostgreSQL via DATABASE_URL, Redis via TEST_REDIS_URL.

Under CI=true a test that needs PostgreSQL or Redis fails when the service is missing; outside
CI it is skipped, so a laptop without servers can still run the rest.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

CI = os.environ.get("CI", "").lower() == "true"


def _missing(reason):
    if CI:
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


def pytest_sessionstart(session):
    if CI and not settings.USING_POSTGRES:
        pytest.exit("CI=true requires PostgreSQL: set DATABASE_URL (make test does)", returncode=1)
    if CI and not os.environ.get("TEST_REDIS_URL"):
        pytest.exit("CI=true requires Redis: set TEST_REDIS_URL (make test does)", returncode=1)


def pytest_collection_modifyitems(config, items):
    # Under CI the session has already stopped when PostgreSQL is missing (see above).
    for item in items:
        if item.get_closest_marker("postgres") and not settings.USING_POSTGRES:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))


@pytest.fixture
def redis_url():
    """URL of a reachable Redis database reserved for tests (flushed before use)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        _missing("Redis is not configured (TEST_REDIS_URL)")
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1).close()
    except OSError:
        _missing(f"Redis at {url} is unreachable")
    return url


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        _missing("chromium is not installed")
    return path


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def forum(db):
    from tests.factories import ForumFactory

    return ForumFactory()


@pytest.fixture
def organizer(db):
    from tests.factories import OrganizerFactory

    return OrganizerFactory()


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture(autouse=True)
def _no_cached_mail_connection():
    """Each test starts without an SMTP connection kept by an earlier one (its server is gone)."""
    from notifications import mailconnection

    mailconnection.close_all()
    yield
    mailconnection.close_all()
