"""Reads of forum editions that pages and the API share."""

import datetime

from django.db.models import Q
from django.utils import timezone

from .models import Forum
from .permissions import sees_drafts


def visible_forums(*, user):
    """Every edition for organizers; published and archived ones for everybody else."""
    return Forum.objects.all() if sees_drafts(user) else public_forums()


def public_forums():
    return Forum.objects.filter(status__in=[Forum.Status.PUBLISHED, Forum.Status.ARCHIVED])


def current_forum():
    """The published edition that is upcoming or under way, else the most recent one."""
    today = timezone.localdate()
    published = Forum.objects.filter(status=Forum.Status.PUBLISHED)
    upcoming = published.filter(end_date__gte=today).order_by("start_date").first()
    return upcoming or published.order_by("-start_date").first()


def forum_for_visitor(*, slug, user):
    """A forum by slug; drafts only for organizers. None when the visitor may not see it."""
    query = Q(slug=slug)
    if not sees_drafts(user):
        query &= Q(status__in=[Forum.Status.PUBLISHED, Forum.Status.ARCHIVED])
    return Forum.objects.filter(query).prefetch_related("themes", "rooms").first()


def organizer_dashboard(*, forum, now=None):
    """Everything the organizers' overview of an edition shows, each figure from the selector of
    the app that owns it. The number of queries does not grow with the data."""
    from notifications import selectors as outbox
    from panels import selectors as panels
    from panels.models import Panel
    from registration import selectors as registration
    from speakers import selectors as speakers

    now = now or timezone.now()
    panel_counts = panels.panel_status_counts(forum=forum)
    return {
        "window": registration.registration_window(forum=forum, now=now),
        "registrations": registration.registration_overview(forum=forum, now=now),
        "panels": panel_counts,
        "panel_statuses": [(value, label, panel_counts[value]) for value, label in Panel.Status.choices],
        # The digest's own reads: panels in conflict now, and the last day's activity.
        "conflicts": outbox.schedule_conflicts(forum=forum),
        "last_day": outbox.digest_counts(since=now - datetime.timedelta(days=1), until=now, forum=forum),
        "funnel": speakers.invitation_funnel(forum=forum),
        "travel": speakers.travel_counts(forum=forum),
        "outbox": outbox.state_summary(),
    }
