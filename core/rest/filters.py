"""Filter backends shared by every list."""

import django_filters
from django import forms
from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` as in DRF, with the primary key appended as the last key, so that rows that
    tie on the chosen field keep one order and paging never repeats or skips a row."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        if not any(key.lstrip("-") in {"pk", "id"} for key in ordering):
            ordering = [*ordering, "pk"]
        return queryset.order_by(*ordering)


# The largest key both PostgreSQL (bigint) and SQLite can hold; anything beyond is refused by the
# form field (400 naming the parameter) instead of reaching the database driver.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An exact match on a whole-number id: ``1.5``, ``-1`` or a number beyond any key is 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


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


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """Every datetime filter of the API: normalised to UTC before the query."""

    field_class = UtcDateTimeField
