"""Every API error has one shape: {"code", "detail", "fields"}."""

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHAPE = {"code", "detail", "fields"}


def test_404_has_the_error_shape(client):
    response = client.get("/api/v1/forums/does-not-exist/")
    assert response.status_code == 404
    assert set(response.json()) == SHAPE


def test_401_for_a_bad_token(client):
    response = client.get("/api/v1/forums/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == "authentication_failed"


def test_405_for_a_write_on_a_read_only_endpoint_by_an_organizer(client, organizer):
    client.force_login(organizer)
    response = client.post("/api/v1/forums/", {}, content_type="application/json")
    assert response.status_code == 405
    assert set(response.json()) == SHAPE


def test_token_login_gives_a_token_that_authenticates(client):
    user = UserFactory(username="partner")
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "partner", "password": "correct-horse-battery"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(key=token).user == user


def test_token_login_with_wrong_password_is_400_with_fields(client):
    UserFactory(username="partner")
    response = client.post(
        "/api/v1/auth/token/", {"username": "partner", "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == "invalid"


def test_login_is_throttled_with_429_and_the_error_shape(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "3/hour"}}  # fmt: skip
    statuses = [
        client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, content_type="application/json")
        for _ in range(4)
    ]
    assert [response.status_code for response in statuses] == [400, 400, 400, 429]
    body = statuses[-1].json()
    assert set(body) == SHAPE
    assert body["code"] == "throttled"
    assert "Retry-After" in statuses[-1]


def test_public_list_answers_304_to_a_matching_etag(client, forum):
    first = client.get("/api/v1/forums/")
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get("/api/v1/forums/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    forum.capacity += 1
    forum.save()
    changed = client.get("/api/v1/forums/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "last"}, "page"),
        ({"page": "١"}, "page"),
        ({"page": "1.0"}, "page"),
        ({"page_size": "none"}, "page_size"),
        ({"page_size": "9" * 30}, "page_size"),
    ],
)
def test_a_bad_page_or_page_size_is_400_naming_the_field(client, forum, query, field):
    response = client.get("/api/v1/themes/", query)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]


def test_a_page_past_the_last_one_is_a_missing_page(client, forum):
    response = client.get("/api/v1/themes/", {"page": "99"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and "99" in response.json()["detail"]


def test_page_size_is_capped_at_the_maximum(client, forum):
    from forum.models import Theme

    Theme.objects.bulk_create(Theme(forum=forum, code=f"extra-{n}", name=f"Theme {n}") for n in range(200))
    body = client.get("/api/v1/themes/", {"page_size": "1000"}).json()
    assert body["count"] > 200
    assert len(body["results"]) == 200
    second = client.get("/api/v1/themes/", {"page_size": "3", "page": "2"}).json()["results"]
    assert [theme["id"] for theme in second] == [theme["id"] for theme in body["results"][3:6]]


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/speakers/?forum=a%00b", None),
        ("patch", "/api/v1/organizer/speakers/{speaker}/", {"organization": "Lab\x00"}),
        ("post", "/api/v1/organizer/invitations/", {"forum": "x\x00", "speaker": 1}),
    ],
)
def test_text_with_a_nul_character_is_400_not_500(client, organizer, method, url, body):
    from tests.factories import SpeakerFactory

    client.force_login(organizer)
    url = url.format(speaker=SpeakerFactory().pk)
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE
    assert "NUL" in body["detail"]


def test_a_nul_character_in_the_path_names_nothing(client):
    response = client.get("/api/v1/forums/a%00b/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.content == client.get("/api/v1/forums/no-such-edition/").content
