"""The filters of every API list: one backend, one base FilterSet, strict form fields.

Every list endpoint filters through :class:`ForumFilterBackend` (``DEFAULT_FILTER_BACKENDS``) and
every FilterSet of the API derives from :class:`ForumFilterSet`, so one rule holds everywhere: a
filter value the list cannot read is a 400 naming the parameter with a sentence that says what is
expected, never a silently ignored filter or an empty list that looks like an answer. That covers
unknown choices (``?status=nonsense``), numbers that are not plain ASCII digits or lie beyond any
key, booleans other than true/false, malformed dates and moments, malformed slugs, and sort keys
the list does not offer (``?ordering=``).

The OpenAPI schema of each parameter is built from the very form field that validates it
(``core/rest/schema.py``), so what the schema advertises (enums, integer bounds, formats, slug
patterns) is exactly what the list accepts.
"""

import re

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as drf_filters
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.filters import OrderingFilter

# The largest key both PostgreSQL (bigint) and SQLite can hold; anything beyond is refused by the
# form field (400 naming the parameter) instead of reaching the database driver.
MAX_ID = 2**63 - 1
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
ASCII_INTEGER = re.compile(r"^[-+]?[0-9]+$")
TRUE_WORDS = {"true", "1"}
# The pages' and page sizes' message (api/pagination.py), kept here with the site's other
# translated API messages.
POSITIVE_NUMBER_MESSAGE = _("Give a whole number from 1 up, written with the digits 0-9.")
FALSE_WORDS = {"false", "0"}


# --- form fields: what a query-string value must look like -------------------------------------


def ascii_integer(text):
    """The whole number ``text`` writes with ASCII digits (an optional sign, leading zeros
    allowed), or None; one beyond 64 bits is None too, as no column holds it."""
    if not ASCII_INTEGER.match(text):
        return None
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 19:
        return None
    number = int(text)
    return number if -(2**63) <= number <= MAX_ID else None


class StrictIntegerField(forms.IntegerField):
    """A whole number written with ASCII digits only: ``1.0``, ``١٢``, ``²``, `` 7`` and 5,000-digit
    strings are refused (Django's own field reads the first three as numbers)."""

    default_error_messages = {"invalid": _("Enter a whole number written with the digits 0-9.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = ascii_integer(str(value))
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class StrictBooleanField(forms.Field):
    """``true`` or ``false`` (``1``/``0`` also read, any letter case); anything else is a 400, not
    "no filter" as django-filter's own boolean reads it."""

    default_error_messages = {"invalid": _("Use true or false.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class SlugFilterField(forms.SlugField):
    default_error_messages = {"invalid": _("Use the short name (slug): letters, digits, hyphens and underscores.")}


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment in any offset Python reads, compared in UTC (core/utc.py): an offset the
    database cannot hold, or a moment beyond the datetime range once in UTC, is a 400."""

    def to_python(self, value):
        from core.utc import to_utc

        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return to_utc(moment)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


# --- filters ----------------------------------------------------------------------------------


class IntegerFilter(django_filters.NumberFilter):
    """An exact match on a whole number (``year``)."""

    field_class = StrictIntegerField


class IdFilter(IntegerFilter):
    """An exact match on a whole-number id: ``1.5``, ``-1`` or a number beyond any key is 400."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class SlugFilter(django_filters.CharFilter):
    """An edition's (or a theme's) short name: a malformed one is a 400; a well-formed one that
    names nothing narrows the list to nothing (or, where a list says so, answers 404)."""

    field_class = SlugFilterField


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """Every datetime filter of the API: normalised to UTC before the query."""

    field_class = UtcDateTimeField


# The values each integer column holds (as PostgreSQL stores them), so a filter on one never asks
# the database about a number it cannot compare.
INTEGER_RANGES = {
    models.SmallIntegerField: (-(2**15), 2**15 - 1),
    models.PositiveSmallIntegerField: (0, 2**15 - 1),
    models.IntegerField: (-(2**31), 2**31 - 1),
    models.PositiveIntegerField: (0, 2**31 - 1),
    models.BigIntegerField: (-(2**63), 2**63 - 1),
    models.PositiveBigIntegerField: (0, 2**63 - 1),
}


class ForumFilterSet(drf_filters.FilterSet):
    """The base of every FilterSet of the API (and of those made from ``filterset_fields``):
    model fields map to the strict filters above. Choices stay django-filter's ChoiceFilter, whose
    form field refuses an unknown value with "Select a valid choice"."""

    FILTER_DEFAULTS = {
        **drf_filters.FilterSet.FILTER_DEFAULTS,
        models.AutoField: {"filter_class": IdFilter},
        models.BigAutoField: {"filter_class": IdFilter},
        **{
            field: {
                "filter_class": IntegerFilter,
                "extra": lambda f, bounds=bounds: dict(zip(("min_value", "max_value"), bounds, strict=True)),
            }
            for field, bounds in INTEGER_RANGES.items()
        },
        models.BooleanField: {"filter_class": BooleanFilter},
        models.SlugField: {"filter_class": SlugFilter},
        models.DateTimeField: {"filter_class": UtcDateTimeFilter},
    }


def _well_formed_reference(reference, value):
    """Whether ``value`` has the shape the parameter's schema gives (a slug, or an id)."""
    if reference.extra.get("to_field_name") == "slug":
        return isinstance(value, str) and re.match(SLUG_PATTERN, value) is not None
    number = ascii_integer(str(value))
    return number is not None and 1 <= number <= MAX_ID


class ForumFilterBackend(drf_filters.DjangoFilterBackend):
    """django-filter's backend with :class:`ForumFilterSet` as the base, and a check that every
    explicit FilterSet of the API derives from it (so no list can slip back to the lenient
    fields)."""

    filterset_base = ForumFilterSet

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(self.errors(filterset))
        return filterset.qs

    @staticmethod
    def errors(filterset):
        """The form's errors per parameter. A well-formed reference to a record that does not exist
        (``?forum=`` naming no edition) is a missing record, a 404 like an unknown id in a path
        (api/exceptions.py), not a malformed request."""
        errors = {}
        for name, problems in filterset.form.errors.as_data().items():
            reference = filterset.filters.get(name)
            value = filterset.form.data.get(name)
            if (
                isinstance(reference, django_filters.ModelChoiceFilter)
                and all(problem.code == "invalid_choice" for problem in problems)
                and _well_formed_reference(reference, value)
            ):
                model = reference.queryset.model
                message = _("No such %(thing)s: “%(value)s”.") % {"thing": model._meta.verbose_name, "value": value}
                errors[name] = [ErrorDetail(message, code="does_not_exist")]
            elif isinstance(reference, django_filters.ModelChoiceFilter) and problems[0].code == "invalid_choice":
                field = SlugFilterField if reference.extra.get("to_field_name") == "slug" else StrictIntegerField
                errors[name] = [ErrorDetail(str(field.default_error_messages["invalid"]), code="invalid")]
            else:
                errors[name] = [ErrorDetail(" ".join(problem.messages), code=problem.code) for problem in problems]
        return errors

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is not None and not issubclass(filterset_class, ForumFilterSet):
            raise ImproperlyConfigured(
                f"{filterset_class.__name__} of {type(view).__name__} must derive from core.rest.filters.ForumFilterSet"
            )
        return filterset_class


# --- ordering -----------------------------------------------------------------------------------


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` as in DRF, with two differences: a sort key the list does not offer is a 400
    naming the keys it does (DRF silently ignores it), and the primary key is appended as the last
    key, so that rows that tie on the chosen field keep one order and paging never repeats or
    skips a row. Each list names its keys in ``ordering_fields``."""

    def allowed_terms(self, view):
        fields = getattr(view, "ordering_fields", None)
        if not fields or fields == "__all__":
            raise ImproperlyConfigured(f"{type(view).__name__} must list its ordering_fields")
        return [term for field in fields for term in (field, f"-{field}")]

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None or raw == "":
            return self.get_default_ordering(view)
        allowed = self.allowed_terms(view)
        terms = [term.strip() for term in raw.split(",")]
        unknown = [term for term in terms if term not in allowed]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Unknown sort key %(keys)s; choose from: %(allowed)s.")
                        % {"keys": ", ".join(f"“{term}”" for term in unknown), "allowed": ", ".join(allowed)}
                    ]
                }
            )
        return terms

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        if not any(key.lstrip("-") in {"pk", "id"} for key in ordering):
            ordering = [*ordering, "pk"]
        return queryset.order_by(*ordering)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort keys, comma-separated; a leading '-' sorts descending.",
                "schema": {"type": "array", "items": {"type": "string", "enum": self.allowed_terms(view)}},
                "style": "form",
                "explode": False,
                "allowEmptyValue": True,
            }
        ]
