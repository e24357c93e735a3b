"""Every API operation of the live OpenAPI document, fuzzed class by class as an organizer: every
declared query parameter, every property of the JSON body (all at once, then one by one), the
path with a format suffix, a body in another charset, and a form body that leaves out a required
boolean. Asserted: no 5xx, a rejected request changes nothing stored, exports stay valid."""

import json
from urllib.parse import urlencode

import pytest

from . import corpus
from .conftest import record
from .walk import check_feeds, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
VALUES = 3
API_CLASSES = {**corpus.CLASSES, "surrogates": corpus.JSON_ONLY, "json-types": corpus.JSON_TYPES}


@pytest.fixture
def operations(world):
    """(method, path template, operation) of every documented operation."""
    document = json.loads(world["client"].get("/api/schema/?format=json").content)
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                found.append((method, path, operation, document))
    assert len(found) > 30
    return found


def _signatory_pk():
    from visas.models import Signatory

    return Signatory.objects.values_list("pk", flat=True).first()


def _path(template, world):
    ids = {
        "/api/v1/themes/": world["forum"].themes.first().pk,
        "/api/v1/rooms/": world["room"].pk,
        "/api/v1/panels/": world["panel"].pk,
        "/api/v1/speakers/": world["speaker"].pk,
        "/api/v1/organizer/speakers/": world["speaker"].pk,
        "/api/v1/organizer/invitations/": world["invitation"].pk,
        "/api/v1/outbox/": world["message"].pk,
        "/api/v1/schedule-proposals/": world["proposal"].pk,
        "/api/v1/organizer/signatories/": _signatory_pk(),
    }
    path = template.replace("{slug}", world["forum"].slug).replace("{forum}", world["forum"].slug)
    if "{token}" in path:
        token = world["rsvp_token"] if "/rsvp/" in path else world["registration_token"]
        path = path.replace("{token}", token)
    for prefix, pk in ids.items():
        if path.startswith(prefix):
            path = path.replace("{id}", str(pk)).replace("{pk}", str(pk))
    # Every operation is reached with real records, never a placeholder that only finds its 404.
    assert "{" not in path, f"no world record for {template}: add one to _path()"
    return path


def _resolved(schema, document):
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body_properties(operation, document):
    content = (operation.get("requestBody") or {}).get("content", {})
    schema = _resolved(content.get("application/json", {}).get("schema", {}), document)
    properties = {name: _resolved(value, document) for name, value in schema.get("properties", {}).items()}
    return properties, schema.get("required", [])


def _call(client, kind, method, path, **kwargs):
    before = snapshot()
    response = getattr(client, method)(path, **kwargs)
    record(f"API {kind}", response)
    assert response.status_code < 500, (method, path, kwargs.get("data"), response.status_code)
    if response.status_code >= 400:
        assert snapshot() == before, f"{method.upper()} {path} answered {response.status_code} but changed data"
    return response


@pytest.mark.parametrize("kind", sorted(API_CLASSES))
def test_no_api_operation_fails_on_hostile_values(world, operations, kind):
    client = world["client"]
    values = API_CLASSES[kind][:VALUES]
    for method, template, operation, document in operations:
        path = _path(template, world)
        queries = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
        properties, _required = _body_properties(operation, document)
        for value in values:
            if queries and isinstance(value, str) and kind != "surrogates":  # not URL-encodable
                _call(client, kind, method, f"{path}?{urlencode([(name, value) for name in queries])}")
            if properties:
                body = dict.fromkeys(properties, value)
                _call(client, kind, method, path, data=body, content_type="application/json")
        for name in properties:
            _call(client, kind, method, path, data={name: values[0]}, content_type="application/json")
    check_feeds(client, world)


def test_no_api_route_answers_a_format_suffix(world, operations):
    client = world["client"]
    for method, template, _operation, _document in operations:
        path = _path(template, world).rstrip("/")
        for suffix in (".json", ".api"):
            response = _call(client, "suffix", method, f"{path}{suffix}/")
            assert response.status_code in (404, 405), (method, path, suffix, response.status_code)


def test_an_api_body_in_another_charset_is_refused(world, operations):
    client = world["client"]
    for method, template, operation, _document in operations:
        if method == "get" or not operation.get("requestBody"):
            continue
        for charset in corpus.CHARSETS:
            before = snapshot()
            response = client.generic(
                method.upper(), _path(template, world), b"{}", content_type=f"application/json; charset={charset}"
            )
            record("API charset", response)
            assert response.status_code == 400, (method, template, charset, response.status_code)
            assert snapshot() == before


def test_a_form_body_without_a_required_boolean_is_refused(world, operations):
    """What the schema requires, every content type the API reads requires (the schema documents
    only JSON for bodies with lists or objects, but the form parsers still read them)."""
    client = world["client"]
    checked = 0
    for method, template, operation, document in operations:
        properties, required = _body_properties(operation, document)
        booleans = [name for name in required if properties.get(name, {}).get("type") == "boolean"]
        if not booleans:
            continue
        others = {name: "x" for name in properties if name not in booleans}
        for encoding in ("form", "multipart"):
            if encoding == "form":
                kwargs = {"data": urlencode(others), "content_type": "application/x-www-form-urlencoded"}
            else:
                kwargs = {"data": others}
            response = _call(client, "missing boolean", method, _path(template, world), **kwargs)
            assert response.status_code >= 400, (method, template, encoding, response.status_code)
            checked += 1
    assert checked >= 4  # the RSVP answer and the registration's consent, in two encodings each
