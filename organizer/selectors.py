"""Reads that combine several domains: the organizers' overview and the daily digest. Each figure
comes from the selector of the app that owns it."""

import datetime

from django.utils import timezone

from notifications import selectors as outbox
from panels import selectors as panels
from panels.models import Panel
from registration import selectors as registration
from speakers import selectors as speakers
from visas import selectors as visas


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
        "travel": {**speakers.travel_counts(forum=forum), **visas.letter_counts(forum=forum)},
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
                    "name": speaker.name_in(speaker.preferred_language),
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


# --- reports ---------------------------------------------------------------------------------


def reports(*, forum, now=None, only=None):
    """The charts of the reports page, each {"key", "title", "rows": [(label, value)],
    "reference"} (the funnel over time: see ``invitation_funnel_chart``). A fixed number of
    queries whatever the data; ``only`` (chart keys) leaves the funnel's query out when unwanted."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncDate
    from django.utils.translation import gettext as _

    from core.countries import country_name
    from notifications import selectors as outbox_selectors
    from panels.models import Panel
    from registration.models import Category, Registration
    from speakers.models import Invitation

    now = now or timezone.now()
    registrations = Registration.objects.filter(forum=forum).order_by()
    per_day = (
        registrations.annotate(day=TruncDate("created_at", tzinfo=forum.tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    running, by_day = 0, []
    for row in per_day:
        running += row["n"]
        by_day.append((row["day"].strftime("%d.%m"), running))
    categories = dict(Category.choices)
    by_category = [
        (categories.get(row["category"], row["category"]), row["n"])
        for row in registrations.values("category").annotate(n=Count("id")).order_by("-n", "category")
    ]
    by_country = [
        (country_name(row["country"]) or row["country"], row["n"])
        for row in registrations.values("country").annotate(n=Count("id")).order_by("-n", "country")[:12]
    ]
    totals = registrations.aggregate(
        all=Count("id"),
        confirmed=Count("id", filter=Q(status=Registration.Status.CONFIRMED)),
        present=Count("id", filter=Q(status=Registration.Status.CONFIRMED, checked_in_at__isnull=False)),
    )
    rates = [(_("Registered"), totals["all"]), (_("Confirmed"), totals["confirmed"])]
    if now >= forum.ends_at:  # no-shows are known only once the forum is over
        rates += [(_("Came"), totals["present"]), (_("Did not come"), totals["confirmed"] - totals["present"])]
    panels = (
        Panel.objects.filter(forum=forum, room__isnull=False)
        .exclude(status=Panel.Status.CANCELLED)
        .select_related("room")
        .annotate(chosen=Count("interested_registrations", filter=~Q(interested_registrations__status="cancelled")))
        .order_by("start", "id")
    )
    fill = [(f"{p.title} ({p.effective_capacity})", p.chosen) for p in panels]
    states = dict(Invitation.State.choices)
    funnel_rows = Invitation.objects.filter(forum=forum).values("state").annotate(n=Count("id")).order_by()
    funnel_counts = {row["state"]: row["n"] for row in funnel_rows}
    funnel = [(label, funnel_counts.get(value, 0)) for value, label in states.items()]
    outbox = [(label, count) for _value, label, count in outbox_selectors.state_summary()]
    charts = [
        {"key": "registrations-per-day", "title": _("Registrations over time, against capacity"), "rows": by_day,
         "reference": forum.capacity or None},
        {"key": "by-category", "title": _("Registrations by category"), "rows": by_category},
        {"key": "by-country", "title": _("Registrations by country"), "rows": by_country},
        {"key": "confirmation", "title": _("Confirmations and attendance"), "rows": rates},
        {"key": "room-fill", "title": _("Room fill: people who chose each panel (capacity)"), "rows": fill},
        {"key": "invitations", "title": _("Invitations by state"), "rows": funnel},
        {"key": "invitation-funnel"},
        {"key": "outbox", "title": _("Outbox health (all editions)"), "rows": outbox},
    ]  # fmt: skip
    charts = [chart for chart in charts if only is None or chart["key"] in only]
    return [invitation_funnel_chart(forum=forum) if chart["key"] == "invitation-funnel" else chart for chart in charts]


def invitation_funnel_chart(*, forum):
    """The invitation funnel over time (one query): lines of what was sent, viewed, accepted and
    declined so far at the end of each forum-local day, and the table and CSV of each day's
    counts with their running totals. Empty rows when no invitation went out yet."""
    from django.utils.translation import gettext as _

    from core import localtime

    steps = speakers.FUNNEL_STEPS
    labels = {"sent": _("Sent"), "viewed": _("Viewed"), "accepted": _("Accepted"), "declined": _("Declined")}
    by_day = dict(speakers.invitation_funnel_by_day(forum=forum))
    daily_columns = [_("Day"), *(labels[step] for step in steps)]
    running_columns = [_("%(step)s so far") % {"step": labels[step]} for step in steps]
    chart = {
        "key": "invitation-funnel",
        "kind": "lines",
        "title": _("Invitation funnel over time"),
        "note": _("The lines show the totals so far at the end of each day; the table, what happened each day."),
        "columns": daily_columns,
        "rows": [],
        "csv_columns": daily_columns + running_columns,
        "csv_rows": [],
    }
    if not by_day:
        return chart
    first, last = min(by_day), max(by_day)
    days = [first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1)]
    running = dict.fromkeys(steps, 0)
    lines = {step: [] for step in steps}
    for day in days:
        counts = by_day.get(day)
        if counts:
            for step in steps:
                running[step] += counts[step]
            daily = [counts[step] for step in steps]
            chart["rows"].append((localtime.format_date(day), *daily))
            chart["csv_rows"].append((day.isoformat(), *daily, *(running[step] for step in steps)))
        for step in steps:
            lines[step].append(running[step])
    chart["totals"] = (_("Total"), *(running[step] for step in steps))
    chart["days"] = days
    chart["series"] = [(labels[step], lines[step]) for step in steps]
    return chart


# --- printing -------------------------------------------------------------------------------


def printable_program(*, forum):
    """``[(day, [panel, ...]), ...]``: the scheduled and published panels by forum-local day and
    time, each with its room, theme and speakers (three queries whatever the size)."""
    from django.db.models import Prefetch

    from panels.models import Participation

    speakers_of = Prefetch("participations", queryset=Participation.objects.select_related("speaker"))
    rows = (
        Panel.objects.filter(forum=forum, status__in=[Panel.Status.SCHEDULED, Panel.Status.PUBLISHED])
        .select_related("forum", "room", "theme")
        .prefetch_related(speakers_of)
        .order_by("start", "room__order", "id")
    )
    days = {}
    for panel in rows:
        days.setdefault(panel.local_start.date(), []).append(panel)
    return sorted(days.items())
