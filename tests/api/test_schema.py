import pytest
from django.core.management import call_command


def test_openapi_document_is_valid_and_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    # --validate checks the document against the OpenAPI 3 meta-schema; --fail-on-warn turns
    # any undocumented or unresolvable operation into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert text.startswith("openapi: 3")
    assert "/api/v1/forums/" in text


@pytest.mark.django_db
def test_swagger_ui_and_redoc_are_served_offline(client):
    for path in ("/api/docs/", "/api/redoc/"):
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        assert "cdn.jsdelivr.net" not in html
        assert "/static/drf_spectacular_sidecar/" in html


def _document():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_has_a_summary_and_a_description():
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in _document()["paths"].items()
        for method, operation in operations.items()
        if not (operation.get("summary") and operation.get("description"))
    ]
    assert not undocumented, f"Document these operations: {undocumented}"


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("post", "/api/v1/registrations/", {"202", "400", "409", "429"}),
        ("post", "/api/v1/rsvp/{token}/respond/", {"200", "400", "404", "409"}),
        ("post", "/api/v1/panels/{id}/schedule/", {"200", "400", "409"}),
        ("post", "/api/v1/checkins/", {"200", "409"}),
        ("post", "/api/v1/auth/token/", {"200", "400"}),
    ],
)
def test_key_operations_show_request_success_and_error_examples(method, path, statuses):
    operation = _document()["paths"][path][method]
    assert operation["requestBody"]["content"]["application/json"].get("examples"), "no request example"
    with_examples = {
        status
        for status, response in operation["responses"].items()
        if any(content.get("examples") for content in response.get("content", {}).values())
    }
    assert statuses <= with_examples, f"missing examples for {statuses - with_examples}"


def test_the_schedule_conflict_example_lists_conflicts_in_the_documented_shape():
    document = _document()
    operation = document["paths"]["/api/v1/panels/{id}/schedule/"]["post"]
    content = operation["responses"]["409"]["content"]["application/json"]
    example = next(iter(content["examples"].values()))["value"]
    assert example["code"] == "schedule_conflict"
    assert {conflict["code"] for conflict in example["conflicts"]} == {"room_booked", "speaker_busy"}
    refusal = document["components"]["schemas"][content["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert {"code", "detail", "fields", "conflicts"} <= set(refusal["properties"])
