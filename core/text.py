"""The one rule for text the forum accepts and the one cleaner for text it exports.

Characters refused everywhere text enters (forms, GET filters, API bodies and query strings,
imported CSV/XLSX cells): the C0 controls other than tab, line feed and carriage return (NUL
among them: PostgreSQL cannot store it), the non-characters U+FFFE and U+FFFF, and lone
surrogates. None of them is meaningful in a name, a title or a filter, and each makes an XML
export not well-formed for every consumer (a vertical tab pasted from a word processor is the
usual one). Refusing them with a message keeps what is stored exactly what the person sent.

Exports still pass every text through :func:`printable`, so a value stored before the rule (or
written by a shell) can never break a file.
"""

import re

from django.utils.translation import gettext_lazy as _

# C0 except \t \n \r; U+FFFE/U+FFFF; the surrogate range (only lone ones reach Python strings).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# The same rule as an OpenAPI/JSON Schema ``pattern`` (ECMA-262 syntax), which the API schema puts on
# every free-text parameter and body field (core/rest/schema.py). Lone surrogates are left out: no
# UTF-8 request can carry one, and JSON Schema validators refuse the range in a pattern.
SCHEMA_PATTERN = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]*$"
# The same, for text that must not be blank: at least one character other than a space (what a
# required field is once its surrounding spaces are trimmed).
SCHEMA_PATTERN_NONBLANK = (
    "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]*"
    "[^\\s\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]"
    "[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]*$"
)
MESSAGE = _("Text may not contain control characters (such as NUL or a vertical tab); please remove them.")


def has_forbidden(value):
    """True when ``value`` (a string, or a dict/list/QueryDict of them, keys included) holds a
    character the forum refuses."""
    if isinstance(value, str):
        return FORBIDDEN.search(value) is not None
    if isinstance(value, dict):
        return any(has_forbidden(key) or has_forbidden(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(has_forbidden(item) for item in value)
    if hasattr(value, "lists"):  # QueryDict
        return any(has_forbidden(key) or has_forbidden(items) for key, items in value.lists())
    return False


def forbidden_fields(data):
    """Names of the fields of a QueryDict (or dict) whose name or values break the rule."""
    items = data.lists() if hasattr(data, "lists") else data.items()
    return sorted({key for key, values in items if has_forbidden(key) or has_forbidden(values)})


def printable(value):
    """``value`` as text with every refused character removed: what exports write."""
    if value is None:
        return ""
    return FORBIDDEN.sub("", str(value))


def validate_text(value):
    """Model and form validator form of the rule."""
    from django.core.exceptions import ValidationError

    if has_forbidden(value):
        raise ValidationError(MESSAGE, code="control_characters")


def printable_deep(value):
    """:func:`printable` applied to every string inside nested dicts and lists (keys included)."""
    if isinstance(value, str):
        return FORBIDDEN.sub("", value)
    if isinstance(value, dict):
        return {printable_deep(key): printable_deep(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [printable_deep(item) for item in value]
    return value
