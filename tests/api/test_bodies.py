"""Request bodies carry only the fields their operation documents, of the JSON types it documents,
and a body naming a record that does not exist is a 404 (core/rest/bodies.py, api/exceptions.py)."""

import pytest

from panels.models import Panel
from tests.factories import ForumFactory, SpeakerFactory

pytestmark = pytest.mark.django_db
PANELS = "/api/v1/panels/"


@pytest.fixture
def forum():
    return ForumFactory(slug="bodies")


def _post(client, url, data, **kwargs):
    kwargs.setdefault("content_type", "application/json")
    return client.post(url, data, **kwargs)


def test_a_field_the_operation_does_not_take_is_refused_and_named(organizer_client, forum):
    response = _post(organizer_client, PANELS, {"forum": forum.slug, "title": "Grid", "status": "published"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["status"]
    assert not Panel.objects.filter(forum=forum).exists()


def test_a_json_value_of_another_type_is_refused(organizer_client, forum):
    for field, value in (("interpretation", "true"), ("capacity", "120"), ("language", 1)):
        response = _post(organizer_client, PANELS, {"forum": forum.slug, "title": "Grid", field: value})
        assert response.status_code == 400, (field, response.content)
        assert list(response.json()["fields"]) == [field]
    assert not Panel.objects.filter(forum=forum).exists()


def test_a_form_body_is_text_and_is_read_as_such(organizer_client, forum):
    data = {"forum": forum.slug, "title": "Grid", "interpretation": "true", "capacity": "120"}
    response = organizer_client.post(PANELS, data)  # multipart
    assert response.status_code == 201, response.content
    panel = Panel.objects.get(forum=forum)
    assert panel.interpretation is True and panel.capacity == 120


def test_a_body_naming_a_missing_record_is_a_404_naming_the_field(organizer_client, forum):
    response = _post(organizer_client, PANELS, {"forum": "no-such-edition", "title": "Grid"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and list(response.json()["fields"]) == ["forum"]
    invitation = _post(organizer_client, "/api/v1/organizer/invitations/", {"forum": forum.slug, "speaker": 999999})
    assert invitation.status_code == 404 and list(invitation.json()["fields"]) == ["speaker"]


def test_a_missing_record_beside_a_malformed_field_is_a_400(organizer_client, forum):
    response = _post(organizer_client, "/api/v1/organizer/invitations/", {"forum": "nope", "speaker": "x"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"forum", "speaker"}


def test_nested_bodies_are_checked_the_same_way(organizer_client, forum):
    for weights in ({"changes": "5"}, {"speed": 1}):
        response = _post(organizer_client, "/api/v1/schedule-proposals/", {"forum": forum.slug, "weights": weights})
        assert response.status_code == 400, (weights, response.content)
        assert list(response.json()["fields"]) == ["weights"]


def test_a_speakers_country_is_an_iso_code_from_the_list(organizer_client):
    speaker = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org"}
    refused = _post(organizer_client, "/api/v1/organizer/speakers/", {**speaker, "country": "XX"})
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["country"]
    created = _post(organizer_client, "/api/v1/organizer/speakers/", {**speaker, "country": "GB"})
    assert created.status_code == 201, created.content
    again = _post(organizer_client, "/api/v1/organizer/speakers/", {**speaker, "country": "GB"})
    assert again.status_code == 409 and again.json()["code"] == "duplicate_email"
    assert SpeakerFactory._meta.model.objects.filter(email="ada@example.org").count() == 1
