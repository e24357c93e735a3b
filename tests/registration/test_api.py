import datetime

import pytest
from django.utils import timezone

from registration import services
from registration.models import Registration
from tests.factories import ForumFactory, UserFactory, doors_open, register_attendee, registration_input

pytestmark = pytest.mark.django_db

URL = "/api/v1/registrations/"


def _body(forum, **overrides):
    return {"forum": forum.slug, **registration_input(**overrides)}


def test_public_create_answers_202_and_the_same_for_a_known_address(client):
    forum = ForumFactory(capacity=1)
    new = client.post(URL, _body(forum, email="one@example.org"), content_type="application/json")
    again = client.post(URL, _body(forum, email="ONE@example.org"), content_type="application/json")
    assert new.status_code == again.status_code == 202
    assert new.content == again.content
    assert Registration.objects.count() == 1
    assert Registration.objects.get().status == Registration.Status.PENDING


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"email": "bad@"}, "email"), ({"consent": False}, "consent"), ({"country": "ZZ"}, "country")],
)
def test_public_create_refuses_bad_input_with_the_error_shape(client, overrides, field):
    forum = ForumFactory()
    response = client.post(URL, _body(forum, **overrides), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert not Registration.objects.exists()


def test_public_create_refuses_a_closed_window_with_409(client):
    now = timezone.now()
    forum = ForumFactory(registration_opens_at=now - datetime.timedelta(days=5), registration_closes_at=now)
    response = client.post(URL, _body(forum), content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"
    assert not Registration.objects.exists()


def test_public_create_for_an_unknown_or_draft_forum_is_404(client):
    draft = ForumFactory(status="draft")
    assert client.post(URL, _body(draft), content_type="application/json").status_code == 404
    body = {**_body(draft), "forum": "nope"}
    assert client.post(URL, body, content_type="application/json").status_code == 404


def _tighten(settings, scope, rate):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], scope: rate}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def test_public_create_is_throttled_by_the_registration_scope(client, settings):
    _tighten(settings, "registration", "2/hour")
    forum = ForumFactory()
    codes = [
        client.post(URL, _body(forum, email=f"t{n}@example.org"), content_type="application/json").status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 429]
    assert Registration.objects.count() == 2


def test_the_api_honeypot_stores_nothing(client):
    forum = ForumFactory()
    response = client.post(URL, {**_body(forum), "website": "x"}, content_type="application/json")
    assert response.status_code == 202
    assert not Registration.objects.exists()


def test_manage_by_token_shows_confirms_and_cancels(client):
    forum = ForumFactory(capacity=1)
    registration = register_attendee(forum)
    waiting = register_attendee(forum)
    base = f"/api/v1/registration-manage/{registration.raw_token}/"
    body = client.get(base).json()
    assert body["status"] == "pending" and body["email"] == registration.email
    assert client.post(base + "confirm/").json()["status"] == "confirmed"
    assert client.get(f"/api/v1/registration-manage/{waiting.raw_token}/").json()["waitlist_position"] == 1
    assert client.post(base + "cancel/").json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == "pending"
    unknown = client.get("/api/v1/registration-manage/" + "x" * 43 + "/")
    assert unknown.status_code == 404
    assert set(unknown.json()) == {"code", "detail", "fields"}


def test_organizer_list_needs_an_organizer_and_runs_constant_queries(client, organizer, django_assert_num_queries):
    forum = ForumFactory(capacity=100)
    register_attendee(forum)
    assert client.get(URL, {"forum": forum.slug}).status_code in (401, 403)
    staff = UserFactory(is_staff=True)
    staff.save()
    client.force_login(staff)
    assert client.get(URL, {"forum": forum.slug}).status_code == 403
    client.force_login(organizer)
    first = client.get(URL, {"forum": forum.slug})
    assert first.status_code == 200 and first.json()["count"] == 1

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(URL, {"forum": forum.slug})
    for _ in range(30):
        register_attendee(forum)
    with django_assert_num_queries(len(captured)):
        body = client.get(URL, {"forum": forum.slug}).json()
    assert body["count"] == 31
    filtered = client.get(URL, {"forum": forum.slug, "status": "confirmed"}).json()
    assert filtered["count"] == 0
    assert client.get(URL).status_code == 400


def test_checkin_endpoint_for_scanner_apps(client, organizer):
    forum = ForumFactory()
    registration = register_attendee(forum, first_name="Nigar")
    services.confirm(token=registration.raw_token)
    doors_open(forum)
    payload = {"forum": forum.slug, "code": registration.badge_code}
    assert client.post("/api/v1/checkins/", payload, content_type="application/json").status_code in (401, 403)
    client.force_login(organizer)
    first = client.post("/api/v1/checkins/", payload, content_type="application/json")
    assert first.status_code == 200
    assert first.json()["name"].startswith("Nigar")
    second = client.post("/api/v1/checkins/", payload, content_type="application/json")
    assert second.status_code == 409
    body = second.json()
    assert body["code"] == "already_checked_in"
    assert body["checked_in_at"] == first.json()["checked_in_at"].replace("Z", "+00:00")
    missing = client.post(
        "/api/v1/checkins/", {"forum": forum.slug, "code": "ZZZZZZZZZZ"}, content_type="application/json"
    )
    assert missing.status_code == 404
