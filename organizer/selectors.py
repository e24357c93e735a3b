"""Reads that combine several domains: the organizers' overview and the daily digest. Each figure
comes from the selector of the app that owns it."""

import datetime

from django.utils import timezone

from notifications import selectors as outbox
from panels import selectors as panels
from panels.models import Panel
from registration import selectors as registration
from speakers import selectors as speakers


def dashboard(*, forum, now=None):
    """Everything the organizers' overview of an edition shows. The number of queries does not
    grow with the data."""
    now = now or timezone.now()
    panel_counts = panels.panel_status_counts(forum=forum)
    return {
        "window": registration.registration_window(forum=forum, now=now),
        "registrations": registration.registration_overview(forum=forum, now=now),
        "panels": panel_counts,
        "panel_statuses": [(value, label, panel_counts[value]) for value, label in Panel.Status.choices],
        # The digest's own reads: panels in conflict now, and the last day's activity.
        "conflicts": schedule_conflicts(forum=forum),
        "last_day": digest_counts(since=now - datetime.timedelta(days=1), until=now, forum=forum),
        "funnel": speakers.invitation_funnel(forum=forum),
        "travel": speakers.travel_counts(forum=forum),
        "outbox": outbox.state_summary(),
    }


def digest_counts(*, since, until, forum=None):
    """Counts for the organizer digest. With ``forum``, registrations and invitation answers are
    those of that edition (the outbox counts stay global: messages belong to no edition)."""
    return {
        "registrations": registration.registrations_between(since=since, until=until, forum=forum),
        "invitation_answers": speakers.answers_between(since=since, until=until, forum=forum),
        **outbox.failure_counts(since=since, until=until),
    }


def schedule_conflicts(*, forum):
    """How many panels of ``forum`` stand in conflict in the schedule now."""
    return panels.conflicted_panel_count(forum=forum)


# --- broadcasts: who is in a segment ---------------------------------------------------------


def segment_recipients(*, forum, audience, filters):
    """[{"email", "name", "language", "related"}] of a segment, one per address, in a stable order.

    Attendees: not cancelled nor anonymized, by status, category, country and a chosen panel.
    Speakers: invitations not withdrawn, by state, theme and travel needs (visa letter, hotel)."""
    from registration.models import Registration
    from speakers import selectors as speakers

    people = []
    if audience == "attendees":
        rows = Registration.objects.filter(forum=forum, anonymized_at__isnull=True).exclude(
            status=Registration.Status.CANCELLED
        )
        if filters.get("status"):
            rows = rows.filter(status=filters["status"])
        if filters.get("category"):
            rows = rows.filter(category=filters["category"])
        if filters.get("country"):
            rows = rows.filter(country=filters["country"].upper())
        if filters.get("panel"):
            rows = rows.filter(panels__pk=filters["panel"])
        for row in rows.order_by("last_name", "first_name", "id").distinct():
            people.append({"email": row.email, "name": row.full_name, "language": row.language, "related": row})
    else:
        rows = speakers.organizer_invitations(
            forum=forum,
            state=filters.get("state") or None,
            theme=filters.get("theme") or None,
            needs_visa=filters.get("travel") == "visa",
            needs_hotel=filters.get("travel") == "hotel",
        ).exclude(state="withdrawn")
        for row in rows:
            speaker = row.speaker
            people.append(
                {
                    "email": speaker.email,
                    "name": speaker.full_name,
                    "language": speaker.preferred_language,
                    "related": row,
                }
            )
    seen, unique = set(), []
    for person in people:
        key = person["email"].strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(person)
    return unique


def broadcast_history(*, forum):
    """The edition's broadcasts, newest first, each with its outbox rows counted by state (two
    queries whatever the number of broadcasts and recipients)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from notifications.models import OutboxMessage

    from .models import Broadcast

    broadcasts = list(Broadcast.objects.filter(forum=forum).select_related("created_by")[:50])
    if not broadcasts:
        return []
    rows = (
        OutboxMessage.objects.filter(
            related_type=ContentType.objects.get_for_model(Broadcast),
            related_id__in=[str(b.pk) for b in broadcasts],
        )
        .values("related_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    states = {}
    for row in rows:
        states.setdefault(row["related_id"], {})[row["state"]] = row["n"]
    labels = dict(OutboxMessage.State.choices)
    for broadcast in broadcasts:
        counts = states.get(str(broadcast.pk), {})
        broadcast.delivery = [(state, labels[state], counts[state]) for state in labels if counts.get(state)]
    return broadcasts
