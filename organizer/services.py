"""Writes that combine several domains: the organizers' daily digest."""

import datetime
import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from forum.selectors import current_forum
from notifications import selectors as outbox
from notifications.services import enqueue

from . import selectors


def send_organizer_digest(*, now=None):
    """Queue today's digest for every organizer: new registrations, invitation answers and failed
    messages of the last 24 hours, and the current edition's panels in conflict now. Idempotent per
    organizer and forum-local day (dedupe key), so a second run, or a second beat process, adds
    nothing. Returns the messages (new or existing)."""
    now = now or timezone.now()
    forum = current_forum()
    tz = forum.tz if forum else zoneinfo.ZoneInfo(settings.FORUM_DEFAULT_TIMEZONE)
    day = now.astimezone(tz).date()
    since = now - datetime.timedelta(days=1)
    context = {
        "date": day.isoformat(),
        "counts": selectors.digest_counts(since=since, until=now),
        "failed_kinds": outbox.failed_kinds(since=since, until=now),
        "outbox_url": settings.SITE_URL + reverse("notifications:outbox") + "?state=failed",
    }
    if forum is not None:
        context["forum_id"] = forum.pk
        context["schedule_conflicts"] = selectors.schedule_conflicts(forum=forum)
        context["schedule_url"] = settings.SITE_URL + reverse("panels:organizer-schedule", args=[forum.slug])
    return [
        enqueue(
            kind="organizer_digest",
            recipient=address,
            language=settings.NOTIFICATIONS_DIGEST_LANGUAGE,
            context=context,
            dedupe_key=f"organizer_digest:{day.isoformat()}:{address.lower()}",
        )
        for address in outbox.organizer_recipients()
    ]
