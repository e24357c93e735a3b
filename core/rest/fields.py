"""Serializer fields shared by the apps' APIs."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
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


class TranslatedTextField(serializers.Field):
    """Text per language: ``{"az": ..., "en": ...}`` (a plain string means the default language,
    Azerbaijani). Only the site's language codes are keys. With ``default_language_required`` the
    text in the default language must not be blank (a panel's title); ``allow_null_values`` lets a
    language be cleared with null (a speaker's bio)."""

    def __init__(self, *, default_language_required=False, allow_null_values=False, **kwargs):
        self.default_language_required = default_language_required
        self.allow_null_values = allow_null_values
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        from django.conf import settings

        if isinstance(data, str):
            values = {settings.LANGUAGE_CODE: data}
        elif isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in settings.LANGUAGE_CODES)
            if unknown:
                raise serializers.ValidationError(f"Unknown language: {', '.join(unknown)}.")
            allowed = (str, type(None)) if self.allow_null_values else (str,)
            if not all(isinstance(value, allowed) for value in data.values()):
                raise serializers.ValidationError("Give a text per language code.")
            values = data
        else:
            raise serializers.ValidationError("Give a text or an object of texts per language code.")
        if self.default_language_required and not (values.get(settings.LANGUAGE_CODE) or "").strip():
            raise serializers.ValidationError("Give the text in Azerbaijani (other languages fall back to it).")
        return data


class TranslatedTextFieldSchema(OpenApiSerializerFieldExtension):
    target_class = TranslatedTextField

    def map_serializer_field(self, auto_schema, direction):
        from django.conf import settings

        from core.text import SCHEMA_PATTERN, SCHEMA_PATTERN_NONBLANK

        required = self.target.default_language_required
        text = {"type": "string", "pattern": SCHEMA_PATTERN_NONBLANK if required else SCHEMA_PATTERN}
        value = (
            {**text, "nullable": True}
            if self.target.allow_null_values
            else {"type": "string", "pattern": SCHEMA_PATTERN}
        )
        per_language = {
            "type": "object",
            "properties": {code: dict(value) for code in settings.LANGUAGE_CODES},
            "additionalProperties": False,
        }
        if required:
            per_language["properties"][settings.LANGUAGE_CODE] = text
            per_language["required"] = [settings.LANGUAGE_CODE]
        return {"oneOf": [text, per_language]}


@extend_schema_field({"type": "boolean", "enum": [True]})
class ConsentField(serializers.BooleanField):
    """A box that must be ticked: only ``true`` is accepted (the schema says so with its enum)."""

    default_error_messages = {
        # The registration form's own message (translated in registration/locale).
        "not_given": _("Registration needs your consent to the terms and to the processing of your data.")
    }

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value is not True:
            self.fail("not_given")
        return value
