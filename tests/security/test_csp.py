"""Every HTML page carries the strict Content-Security-Policy and the Permissions-Policy: public
pages, personal-link pages, staff pages, the Django admin and the API docs. (tests/e2e/test_csp.py
loads the same kinds of page in Chromium and checks that nothing on them is refused.)"""

import re

import pytest
from django.test import Client

from registration import services as registration_services
from tests.factories import RoomFactory, SpeakerFactory, register_attendee
from tests.panels.conftest import placed
from tests.speakers.conftest import sent_invitation

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "style-src-elem": {"'self'"},
    "style-src-attr": {"'unsafe-inline'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "media-src": {"'self'"},
    "object-src": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
}


def directives(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"{name} twice in {header}"
        parsed[name] = set(sources)
    return parsed


def permissions(response):
    header = response.headers.get("Permissions-Policy", "")
    return dict(part.strip().split("=", 1) for part in header.split(",") if part.strip())


@pytest.fixture
def pages(forum, organizer, admin_client):
    """The representative HTML pages, each with the client that may open it."""
    panel = placed(
        forum, RoomFactory(forum=forum), 0, "10:00", "11:00", speakers=[SpeakerFactory()], publish=True
    )  # fmt: skip
    attendee = register_attendee(forum)
    registration_services.confirm(token=attendee.raw_token)
    _invitation, rsvp_token = sent_invitation(forum)
    anonymous, staff = Client(), Client()
    organizer.save()
    staff.force_login(organizer)
    return {
        "/": anonymous,
        f"/forums/{forum.slug}/": anonymous,
        f"/forums/{forum.slug}/program/": anonymous,
        f"/forums/{forum.slug}/program/changes/": anonymous,
        f"/forums/{forum.slug}/panels/{panel.pk}/": anonymous,
        f"/forums/{forum.slug}/speakers/": anonymous,
        f"/forums/{forum.slug}/register/": anonymous,
        f"/registration/{attendee.raw_token}/": anonymous,
        f"/rsvp/{rsvp_token}/": anonymous,
        f"/organizer/forums/{forum.slug}/": staff,
        f"/organizer/forums/{forum.slug}/schedule/": staff,
        f"/organizer/forums/{forum.slug}/checkin/": staff,
        "/organizer/outbox/": staff,
        "/admin/": admin_client,  # the admin is kept for superusers
        "/admin/login/": anonymous,
        "/api/docs/": anonymous,
        "/no-such-page/": anonymous,
    }


def test_every_html_page_sends_the_strict_policy(pages):
    for path, client in pages.items():
        response = client.get(path)
        assert response.status_code == (404 if path == "/no-such-page/" else 200), path
        assert response["Content-Type"].startswith("text/html"), path
        assert directives(response) == STRICT, path


def test_no_page_allows_inline_script_or_eval(pages):
    for path, client in pages.items():
        response = client.get(path)
        policy = directives(response)
        for directive in ("default-src", "script-src"):
            assert not policy[directive] & {"'unsafe-inline'", "'unsafe-eval'", "data:", "blob:", "*"}, path
        body = response.content.decode()
        # No inline script: every <script> has a src; no event-handler attributes, no javascript: URLs.
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", body.split("<body", 1)[-1]), path
        assert "javascript:" not in body, path


def test_every_html_page_sends_the_permissions_policy(pages):
    for path, client in pages.items():
        policy = permissions(client.get(path))
        assert policy["camera"] == "(self)", path
        for feature in ("microphone", "geolocation", "payment", "usb", "display-capture"):
            assert policy[feature] == "()", (path, feature)
        assert all(value == "()" for feature, value in policy.items() if feature != "camera"), path


def test_swagger_ui_has_no_inline_code_and_loads_its_start_up_script_from_the_site(client):
    page = client.get("/api/docs/")
    assert directives(page) == STRICT
    body = page.content.decode()
    assert "<style" not in body
    scripts = re.findall(r'<script src="([^"]+)"', body)
    assert any(src.startswith("/api/docs/?") and "script" in src for src in scripts), scripts
    start_up = client.get("/api/docs/?script=")
    assert start_up.status_code == 200
    assert start_up["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in start_up.content


def test_redoc_widens_only_styles_by_nonce_and_hash_and_workers_to_blob(client):
    from api.urls import REDOC_STYLE_HASHES

    page = client.get("/api/redoc/")
    assert page.status_code == 200
    policy = directives(page)
    nonce = re.search(r'<script src="[^"]+redoc-init\.js" nonce="([^"]+)"', page.content.decode()).group(1)
    assert policy.pop("style-src-elem") == {"'self'", f"'nonce-{nonce}'", *REDOC_STYLE_HASHES}
    assert policy.pop("worker-src") == {"'self'", "blob:"}
    assert policy == {name: sources for name, sources in STRICT.items() if name != "style-src-elem"}
    body = page.content.decode()
    assert "<style" not in body and "fonts.googleapis.com" not in body
    # A fresh nonce on every answer.
    assert client.get("/api/redoc/").headers["Content-Security-Policy"] != page.headers["Content-Security-Policy"]


def test_json_answers_are_unaffected(client, forum):
    response = client.get("/api/v1/forums/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    # The header may be there (it is harmless on JSON); it never widens anything.
    if "Content-Security-Policy" in response.headers:
        assert directives(response) == STRICT
