"""Filter backends shared by every list."""

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
