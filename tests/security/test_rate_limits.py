"""Public forms and personal-link pages are rate limited per client address, across processes
(through the shared Redis cache), and a visitor over the limit gets a clear 429 page in their
language, never a 403 or a 500."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection
from django.test import Client

from tests.factories import ForumFactory, register_attendee

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
FAKE = "x" * 43
RU_LIMITED = "Пожалуйста, подождите"


def _tight(settings):
    settings.RSVP_RATE_LIMIT = "2/h"
    settings.REGISTRATION_LINK_RATE = "2/h"
    settings.REGISTRATION_FORM_RATE = "2/h"


def _limited_page(response, *, language_marker=None):
    assert response.status_code == 429, response.status_code
    body = response.content.decode()
    assert "Forbidden" not in body and "403" not in body
    if language_marker:
        assert language_marker in body, body[:500]
    return body


PAGES = [
    ("get", "/rsvp/{fake}/"),
    ("post", "/rsvp/{fake}/"),
    ("get", "/rsvp/{fake}/visa-letter.pdf"),
    ("get", "/registration/confirm/{fake}/"),
    ("post", "/registration/confirm/{fake}/"),
    ("get", "/registration/{fake}/"),
    ("get", "/registration/{fake}/badge.pdf"),
    ("get", "/registration/{fake}/calendar.ics"),
    ("post", "/registration/{fake}/cancel/"),
    ("post", "/registration/{fake}/panels/"),
]


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_every_personal_link_page_answers_429_past_the_limit_per_address(settings, method, path):
    _tight(settings)
    url = path.format(fake=FAKE)
    client = Client(REMOTE_ADDR="198.51.100.20", HTTP_ACCEPT_LANGUAGE="ru")
    for _ in range(2):
        assert getattr(client, method)(url).status_code in (404, 410)
    _limited_page(getattr(client, method)(url), language_marker=RU_LIMITED)
    other = Client(REMOTE_ADDR="198.51.100.21")  # another address has its own budget
    assert getattr(other, method)(url).status_code in (404, 410)


def test_registration_link_pages_share_one_budget_so_guessing_costs_the_same_everywhere(settings):
    _tight(settings)
    client = Client(REMOTE_ADDR="198.51.100.30", HTTP_ACCEPT_LANGUAGE="en")
    assert client.get(f"/registration/{FAKE}/").status_code == 404
    assert client.get(f"/registration/confirm/{FAKE}/").status_code == 404
    body = _limited_page(client.get(f"/registration/{FAKE}/calendar.ics"))
    assert "Please wait a moment" in body


def test_a_genuine_link_still_works_for_someone_within_the_limit(settings):
    _tight(settings)
    registration = register_attendee(ForumFactory())
    client = Client(REMOTE_ADDR="198.51.100.40")
    assert client.get(f"/registration/{registration.raw_token}/").status_code == 200
    assert client.post(f"/registration/confirm/{registration.raw_token}/").status_code == 302
    _limited_page(client.get(f"/registration/{registration.raw_token}/"))


def test_the_registration_form_answers_429_with_the_form_in_the_visitor_language(settings):
    _tight(settings)
    forum = ForumFactory()
    client = Client(REMOTE_ADDR="198.51.100.50", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/forums/{forum.slug}/register/"
    for _ in range(2):
        client.post(url, {"first_name": ""})
    response = client.post(url, {"first_name": ""})
    assert response.status_code == 429
    assert "Too many registrations from your network" in response.content.decode()
    assert client.get(url).status_code == 200  # reading the form is not limited


def test_the_limit_is_shared_by_web_processes_through_redis(settings, redis_url, tmp_path):
    """Two interpreters (this one and a fresh one configured like a second gunicorn worker) count
    the same client's requests together."""
    redis.Redis.from_url(redis_url).flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.RSVP_RATE_LIMIT = "2/h"
    address = "203.0.113.77"
    here = Client(REMOTE_ADDR=address)
    assert here.get(f"/rsvp/{FAKE}/").status_code == 404  # 1st request, this process

    database = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        VAR_DIR=str(tmp_path / "var"),
        CACHE_URL=redis_url,
        RSVP_RATE_LIMIT="2/h",
        DATABASE_URL=f"postgres://{quote(database['USER'])}:{quote(database['PASSWORD'] or '')}@"
        f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}",
    )
    script = (
        "import django; django.setup(); from django.test import Client; "
        f"c = Client(REMOTE_ADDR={address!r}, HTTP_ACCEPT_LANGUAGE='ru'); "
        f"r = c.get('/rsvp/{FAKE}/'); print(r.status_code); print(r.content.decode())"
    )

    def other_process():
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        status, _newline, body = result.stdout.partition("\n")
        return int(status), body

    assert other_process()[0] == 404  # 2nd request, another process: still within the limit
    _limited_page(here.get(f"/rsvp/{FAKE}/"))  # 3rd, back here: over the limit counted by both
    status, body = other_process()
    assert status == 429 and RU_LIMITED in body
    assert Client(REMOTE_ADDR="203.0.113.78").get(f"/rsvp/{FAKE}/").status_code == 404


def test_the_token_api_answers_429_in_the_error_shape(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/hour"},
    }
    client = Client(REMOTE_ADDR="198.51.100.60")
    codes = [client.get(f"/api/v1/registration-manage/{FAKE}/").status_code for _ in range(3)]
    assert codes[:2] == [404, 404] and codes[2] == 429
    assert client.get(f"/api/v1/registration-manage/{FAKE}/").json()["code"] == "throttled"


def test_personal_links_and_their_api_twins_share_one_guessing_budget(settings):
    """Trying tokens through the pages and the API together costs what the pages alone allow."""
    _tight(settings)
    for pages, api in (
        ("/rsvp/{fake}/", "/api/v1/rsvp/{fake}/"),
        ("/registration/{fake}/", "/api/v1/registration-manage/{fake}/"),
    ):
        client = Client(REMOTE_ADDR="198.51.100.61" if "rsvp" in pages else "198.51.100.62")
        assert client.get(pages.format(fake=FAKE)).status_code == 404
        assert client.get(api.format(fake=FAKE)).status_code == 404
        assert client.get(api.format(fake=FAKE)).status_code == 429
        _limited_page(client.get(pages.format(fake=FAKE)))
        # A forged forwarded-for header is not another address.
        forged = Client(REMOTE_ADDR=client.defaults["REMOTE_ADDR"], HTTP_X_FORWARDED_FOR="10.1.1.1")
        assert forged.get(api.format(fake=FAKE)).status_code == 429
