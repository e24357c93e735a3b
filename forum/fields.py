"""Model fields shared by the apps."""

from django import forms
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from . import crypto


class EncryptedTextField(models.TextField):
    """Text stored encrypted (Fernet, keys from ``settings.FIELD_ENCRYPTION_KEYS``).

    Python code reads and writes plain text; the column holds ciphertext (an empty value stays
    empty so "not given" is still visible). The ciphertext is randomised, so the database cannot
    search it: only ``isnull`` and ``exact`` against an empty value are allowed. ``max_length``
    limits the plain text (forms and model validation), not the column.
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def get_db_prep_save(self, value, connection):
        return self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


class _EmptyExact(Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError("Encrypted fields can only be compared with an empty value.")
        return super().get_prep_lookup()
