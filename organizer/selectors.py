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
