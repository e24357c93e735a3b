"""Request bodies carry only the fields their operation documents, each of the JSON type it
documents.

* DRF ignores a field a serializer does not declare, so a misspelt field (``atend``) or one the
  client believes it may set (``status``) silently does nothing. The API refuses them instead:
  400 naming each unknown field, whatever the content type. The schema says the same
  (``additionalProperties: false``, core/rest/schema.py).
* DRF reads ``"true"`` or ``1`` as a boolean, ``"5"`` as a number and ``5`` as a text, whatever
  the body. A form encoding can only send text, so there that reading is right; in a JSON body
  the value must be of the type the schema gives (``true``, ``5``, ``"5"``), or it is a 400.

Installed once for every serializer by ``api.apps.ApiConfig.ready`` (:func:`install`).
"""

import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Sent by the browsable API's HTML forms along with the fields.
IGNORED = frozenset({"csrfmiddlewaretoken"})
UNKNOWN_MESSAGE = _("Unknown field: this operation does not take it.")
# A form encoding names a part of a nested field "weights.changes" or "panels[0]": the part before
# is the field, when it is one that nests.
_NESTED_NAME = re.compile(r"[.\[]")
NESTED_FIELDS = (serializers.BaseSerializer, serializers.ListField, serializers.DictField)


def unknown_fields(serializer, data):
    """The names in ``data`` (a mapping) that ``serializer`` does not write."""
    if not isinstance(data, Mapping):
        return []
    fields = {field.field_name: field for field in serializer._writable_fields}
    form = hasattr(data, "getlist")
    names = []
    for key in data:
        if key in fields or key in IGNORED:
            continue
        prefix = _NESTED_NAME.split(key, 1)[0] if form and isinstance(key, str) else None
        if prefix in fields and isinstance(fields[prefix], NESTED_FIELDS):
            continue
        names.append(key)
    return names


WRONG_TYPE_MESSAGE = _("Wrong type: give %(expected)s.")
_KIND_WORDS = {
    "text": _("a text"),
    "integer": _("a whole number"),
    "number": _("a number"),
    "boolean": _("true or false"),
    "array": _("a list"),
    "object": _("an object"),
}


def _json_kind(field):
    """The JSON type a field's value must have in a JSON body, or None when any is read."""
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return "integer"
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return "number"
    if isinstance(field, serializers.MultipleChoiceField | serializers.ListField | serializers.ManyRelatedField):
        return "array"
    if isinstance(field, serializers.ChoiceField):
        values = [value for value in field.choices if value != ""]
        return "integer" if values and all(isinstance(value, int) for value in values) else "text"
    if isinstance(
        field,
        serializers.CharField
        | serializers.SlugRelatedField
        | serializers.DateField
        | serializers.DateTimeField
        | serializers.TimeField
        | serializers.DurationField,
    ):
        return "text"
    if isinstance(field, serializers.DictField | serializers.BaseSerializer):
        return "object" if not getattr(field, "many", False) else "array"
    return None


def _is_kind(value, kind):
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return not isinstance(value, bool) and (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        )
    if kind == "number":
        return not isinstance(value, bool) and isinstance(value, int | float)
    if kind == "text":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return True


def _json_body(field):
    """True when the field is read from a JSON body (not a form encoding, not a query string)."""
    data = getattr(field.root, "initial_data", None)
    return data is not None and not hasattr(data, "getlist")


def install():
    original = serializers.Serializer.to_internal_value
    if getattr(original, "refuses_unknown_fields", False):
        return
    run_validation = serializers.Field.run_validation

    def typed_run_validation(self, data=serializers.empty):
        if data is not serializers.empty and data is not None and _json_body(self):
            kind = _json_kind(self)
            if kind and not _is_kind(data, kind):
                raise serializers.ValidationError(WRONG_TYPE_MESSAGE % {"expected": _KIND_WORDS[kind]}, code="invalid")
        return run_validation(self, data)

    def to_internal_value(self, data):
        unknown = unknown_fields(self, data)
        if unknown:
            raise serializers.ValidationError({str(name): [UNKNOWN_MESSAGE] for name in unknown})
        return original(self, data)

    to_internal_value.refuses_unknown_fields = True
    serializers.Serializer.to_internal_value = to_internal_value
    serializers.Field.run_validation = typed_run_validation
