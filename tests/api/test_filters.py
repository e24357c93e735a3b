"""Every list filter of the API refuses what it cannot read, as its schema says.

Generated from the live OpenAPI document: for every list operation and every query parameter
with a type, an enum, a format or a pattern, a value outside it answers 400 naming the parameter
(an unknown choice is not "no filter", a malformed number not an empty list); a value inside it
is read. A new list or filter is covered without a line here.
"""

import pytest
from django.urls import reverse

from tests.factories import ForumFactory

pytestmark = pytest.mark.django_db

BAD = {
    "enum": "nonsense",
    "integer": "1.5",
    "boolean": "maybe",
    "date": "2026-13-45",
    "date-time": "yesterday",
    "pattern": "no slugs here!",
    "array": "nonsense",
}


def _kind(schema):
    if "enum" in schema:
        return "enum"
    if schema.get("type") in {"integer", "boolean", "array"}:
        return schema["type"]
    if schema.get("format") in {"date", "date-time"}:
        return schema["format"]
    if schema.get("pattern") == "^[-a-zA-Z0-9_]+$":
        return "pattern"
    return None


def _list_operations(client):
    document = client.get(reverse("schema"), {"format": "json"}).json()
    for path, item in document["paths"].items():
        if "{" in path or "get" not in item:
            continue
        yield path, item["get"].get("parameters", [])


@pytest.fixture
def forum():
    return ForumFactory(slug="filters")


def test_every_list_filter_refuses_a_value_it_cannot_read(organizer_client, forum):
    checked = []
    for path, parameters in _list_operations(organizer_client):
        required = {p["name"]: forum.slug for p in parameters if p.get("required")}
        for parameter in parameters:
            kind = _kind(parameter["schema"])
            if kind is None:
                continue
            response = organizer_client.get(path, {**required, parameter["name"]: BAD[kind]})
            assert response.status_code == 400, (path, parameter["name"], response.status_code)
            body = response.json()
            assert list(body["fields"]) == [parameter["name"]], (path, body)
            assert body["fields"][parameter["name"]][0], (path, body)
            checked.append((path, parameter["name"]))
    # Every list has its page, page size and sort keys; most have enums, ids, booleans or slugs.
    assert len(checked) >= 60, checked
    assert ("/api/v1/forums/", "status") in checked and ("/api/v1/panels/", "room") in checked


def test_every_list_filter_reads_a_value_its_schema_allows(organizer_client, forum):
    good = {"integer": "1", "boolean": "true", "date": "2026-10-14", "date-time": "2026-10-14T10:00:00Z"}
    for path, parameters in _list_operations(organizer_client):
        required = {p["name"]: forum.slug for p in parameters if p.get("required")}
        for parameter in parameters:
            schema, kind = parameter["schema"], _kind(parameter["schema"])
            if kind == "enum":
                value = schema["enum"][0]
            elif kind == "array":
                value = ",".join(schema["items"]["enum"][:2])
            elif kind == "pattern":
                value = forum.slug
            elif kind in good:
                value = good[kind]
            else:
                continue
            response = organizer_client.get(path, {**required, parameter["name"]: value})
            assert response.status_code == 200, (path, parameter["name"], value, response.content[:300])


def test_an_empty_filter_filters_nothing(client, forum):
    assert client.get("/api/v1/forums/", {"status": "", "year": "", "ordering": "", "page": ""}).status_code == 200


def test_an_unknown_sort_key_names_the_keys_the_list_offers(client, forum):
    response = client.get("/api/v1/panels/", {"ordering": "start,secret"})
    assert response.status_code == 400
    message = response.json()["fields"]["ordering"][0]
    assert "secret" in message and "-start" in message


def test_an_edition_that_does_not_exist_is_a_404_on_the_registrations_list(organizer_client, forum):
    response = organizer_client.get("/api/v1/registrations/", {"forum": "no-such-edition"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and list(response.json()["fields"]) == ["forum"]
