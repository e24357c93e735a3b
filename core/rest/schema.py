"""OpenAPI generation: every operation documents the error answers it can give, in the one
error shape {"code", "detail", "fields"}."""

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable reason, e.g. not_found, invalid, conflict, throttled.")
    detail = serializers.CharField(help_text="A sentence a person understands.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per invalid field (empty when the error is not about a field).",
    )


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: see `fields`.",
    "401": "Missing or invalid credentials.",
    "403": "Not allowed for this user.",
    "404": "No such object (or not visible to this user), or the body names a record that does not exist "
    "(see `fields`).",
    "409": "Conflicts with the current state (e.g. a schedule conflict).",
    "415": "The body's media type is not accepted: send JSON.",
    "429": "Too many requests: retry after the Retry-After header.",
}


class ForumAutoSchema(AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        # Our permission classes say themselves whether anonymous visitors may call an operation.
        for permission in self.view.get_permissions():
            allows = getattr(permission, "allows_anonymous", None)
            if allows and allows(self.method) and {} not in auths:
                auths.append({})
        return auths

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # drf-spectacular leaves these out; the fields enforce them.
        if isinstance(field, serializers.ListField) and not field.allow_empty:
            schema.setdefault("minItems", 1)
        if isinstance(field, serializers.ListField) and field.min_length is not None:
            schema["minItems"] = field.min_length
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # 404 applies to lists too (e.g. an unknown edition in a filter that narrows to one).
        codes = ["400", "401", "403", "404", "429"]
        if self.method in {"POST", "PUT", "PATCH", "DELETE"}:
            codes.append("409")
        if self.method in {"POST", "PUT", "PATCH"}:
            codes.append("415")
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses


# --- the filters' parameters, from the form fields that validate them ---------------------------


def form_field_schema(field):
    """The JSON Schema of a query-string value that ``field`` (a Django form field) accepts."""
    from django import forms

    from . import filters

    if isinstance(field, forms.ModelChoiceField):
        if field.to_field_name == "slug":
            return {"type": "string", "pattern": filters.SLUG_PATTERN}
        return {"type": "integer", "minimum": 1, "maximum": filters.MAX_ID}
    if isinstance(field, forms.ChoiceField):
        values = [str(value) for value, _label in _flat_choices(field.choices) if value not in ("", None)]
        return {"type": "string", "enum": values}
    if isinstance(field, filters.StrictBooleanField):
        return {"type": "boolean"}
    if isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
        return schema
    if isinstance(field, forms.DateTimeField):
        return {"type": "string", "format": "date-time"}
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, forms.SlugField):
        return {"type": "string", "pattern": filters.SLUG_PATTERN}
    if isinstance(field, forms.CharField):
        schema = {"type": "string"}
        if field.max_length is not None:
            schema["maxLength"] = field.max_length
        return schema
    raise TypeError(f"No schema for the filter form field {type(field).__name__}: add it to form_field_schema()")


def _flat_choices(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat_choices(label)
        else:
            yield value, label


class ForumFilterExtension(DjangoFilterExtension):
    """Parameters of :class:`core.rest.filters.ForumFilterBackend`: each one's schema is that of the
    form field that reads it, so the schema and the 400s agree by construction. An optional filter
    left empty (``?status=``) filters nothing, which ``allowEmptyValue`` says."""

    target_class = "core.rest.filters.ForumFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        required = bool(filter_field.extra.get("required"))
        description = filter_field.extra.get("help_text") or ""
        parameter = build_parameter_type(
            name=field_name,
            required=required,
            location=OpenApiParameter.QUERY,
            description=str(description),
            schema=form_field_schema(filter_field.field),
        )
        if not required:
            parameter["allowEmptyValue"] = True
        return [parameter]


# --- the whole document: what every body and parameter accepts ----------------------------------

FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# What api/urls.py's router lets through for a record addressed by its id.
ID_PATH_PATTERN = "^[0-9]+$"


def tighten_request_schemas(result, generator, request, public):
    """drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``):
    the document says what the API enforces in one place for all operations.

    * Free text (a string without enum, format or pattern) in a body or a query parameter carries
      the rule of ``core/text.py`` as a ``pattern``: control characters are refused with a 400; a
      required one (``minLength`` 1) must hold more than spaces, as DRF trims it.
    * A body object accepts only the fields it documents (``additionalProperties: false``; the
      server refuses others, see ``core/rest/bodies.py``).
    * A body with lists, nested objects or nulls is documented as JSON only: a form encoding has
      no way to say null or an object, and a list of thousands of ids passes Django's limit on
      form fields. Flat bodies keep the form encodings the parsers accept.
    * Integer path parameters are ids: 1 to 2^63 - 1, written with digits (the router's pattern).
    """
    from core.text import SCHEMA_PATTERN, SCHEMA_PATTERN_NONBLANK

    from .filters import MAX_ID

    components = result.get("components", {}).get("schemas", {})

    def resolve(schema):
        ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
        return components.get(ref.rsplit("/", 1)[-1], {}) if ref else schema

    def tighten(schema, seen):
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name not in seen and name in components:
                seen.add(name)
                tighten(components[name], seen)
            return
        if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
            # A required text is trimmed and must not be blank then (DRF's CharField).
            schema["pattern"] = SCHEMA_PATTERN_NONBLANK if schema.get("minLength", 0) >= 1 else SCHEMA_PATTERN
        if schema.get("type") == "object" and "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for key in ("properties",):
            for child in schema.get(key, {}).values():
                tighten(child, seen)
        for key in ("items", "additionalProperties"):
            tighten(schema.get(key), seen)
        for key in ("oneOf", "anyOf", "allOf"):
            for child in schema.get(key, []):
                tighten(child, seen)

    def needs_json(schema, seen):
        schema = resolve(schema)
        for child in schema.get("properties", {}).values():
            target = resolve(child)
            if child.get("nullable") or target.get("nullable") or "oneOf" in child or "anyOf" in child:
                return True
            if target.get("type") in ("array", "object"):
                return True
        return False

    seen = set()
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query":
                    tighten(schema, seen)
                    tighten(schema.get("items"), seen)
                elif parameter.get("in") == "path" and (
                    schema.get("type") == "integer" or schema.get("pattern") == ID_PATH_PATTERN
                ):
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            body = operation.get("requestBody")
            if not body:
                continue
            content = body.get("content", {})
            json_schema = content.get("application/json", {}).get("schema")
            for media_type in content.values():
                tighten(media_type.get("schema"), seen)
            if json_schema is not None and needs_json(json_schema, set()):
                for media_type in FORM_MEDIA_TYPES:
                    content.pop(media_type, None)
    return result
