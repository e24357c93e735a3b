"""Form fields for ids that pages read from a form or a query string.

An id is a plain ASCII number that a bigint key can hold. ``str.isdigit()`` and ``int()`` accept
far more ("²" is a digit to isdigit() and an error to int(); int() reads "١٢" as 12; 5,000 digits
is an error or a number no key holds), so every hand-read id goes through :func:`parse_id` or the
fields below: anything else is a form error, never a 500 and never a different row.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# The largest key both PostgreSQL (bigint) and SQLite hold.
MAX_ID = 2**63 - 1
_ASCII_NUMBER = re.compile(r"[0-9]{1,19}")


def parse_id(value):
    """``value`` as an id (an int, or a string of ASCII digits, within a key's range), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ASCII_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


class IdField(forms.Field):
    default_error_messages = {"invalid": _("Choose an item from the list.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdListField(forms.Field):
    """Several ids under one name (checkboxes): a list of ints without repeats, in order."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("Choose items from the list."),
        "too_many": _("Choose at most %(limit)d items."),
    }

    def __init__(self, *, max_items=1000, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_items = max_items

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > self.max_items:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": self.max_items}
            )
        ids = [parse_id(item) for item in values]
        if None in ids:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(ids))
