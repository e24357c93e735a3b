"""Reads of the outbox that organizer pages, the admin and the digest share."""

import logging

from django.db.models import Count

from .models import OutboxMessage

logger = logging.getLogger(__name__)

State = OutboxMessage.State


def state_counts():
    """``{state: count}`` for every state (zeros included), in one query."""
    counts = dict.fromkeys(State.values, 0)
    for row in OutboxMessage.objects.order_by().values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts


def state_summary():
    """``[(state, label, count)]`` in life-cycle order, for pages."""
    counts = state_counts()
    return [(value, label, counts[value]) for value, label in State.choices]


def outbox_messages(*, state=None, kind=None, limit=50):
    """The newest messages, optionally of one state or kind (no personal data beyond the address)."""
    queryset = OutboxMessage.objects.select_related("related_type").order_by("-created_at", "-id")
    if state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(queryset[:limit])


def outbox_kinds():
    return list(OutboxMessage.objects.order_by("kind").values_list("kind", flat=True).distinct())


def failure_counts(*, since, until):
    """The outbox's part of the digest: messages failed in the window, failed in all, retrying."""
    failed = OutboxMessage.objects.filter(state=State.FAILED)
    return {
        "failed_new": failed.filter(updated_at__gte=since, updated_at__lt=until).count(),
        "failed_total": failed.count(),
        "retrying": OutboxMessage.objects.filter(state=State.RETRYING).count(),
    }


def failed_kinds(*, since, until):
    """``[{"kind", "count"}]`` of messages that failed in the window, most first."""
    rows = (
        OutboxMessage.objects.filter(state=State.FAILED, updated_at__gte=since, updated_at__lt=until)
        .order_by()
        .values("kind")
        .annotate(count=Count("pk"))
        .order_by("-count", "kind")
    )
    return [{"kind": row["kind"], "count": row["count"]} for row in rows]
