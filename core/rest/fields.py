"""Serializer fields shared by the apps' APIs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        "example": "09:00",
        "description": "Local time, HH:MM",
    }
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in the forum's time zone, without an offset (so not OpenAPI's `time`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M"])
        super().__init__(**kwargs)


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "object", "additionalProperties": {"type": "string"}}]})
class TranslatedTextField(serializers.Field):
    """Text per language: {"az": ..., "en": ...} (a plain string means Azerbaijani)."""

    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        if isinstance(data, str):
            return data
        if isinstance(data, dict) and all(isinstance(v, str | type(None)) for v in data.values()):
            return data
        raise serializers.ValidationError("Give a text or an object of texts per language code.")
