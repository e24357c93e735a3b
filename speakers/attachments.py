"""Attachment builders for outbox messages: each returns (filename, bytes, mimetype) at send time."""

import datetime

import icalendar
from django.conf import settings
from django.utils import timezone

from panels.links import panel_url

from . import selectors
from .models import Invitation


def _host():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "forum.local"


def speaker_schedule_calendar(*, invitation):
    """An iCalendar of the speaker's sessions at the forum, in forum time; the whole forum as
    all-day events when no session is scheduled yet."""
    forum = invitation.forum
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//National Cybersecurity Forum//Speaker schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{forum.name}: {invitation.speaker.display_name}")
    calendar.add("x-wr-timezone", forum.timezone)
    stamp = timezone.now().astimezone(datetime.UTC)
    sessions = [p for p in selectors.speaker_sessions(forum=forum, speaker=invitation.speaker) if p.panel.start]
    for participation in sessions:
        panel = participation.panel
        event = icalendar.Event()
        event.add("uid", f"panel-{panel.pk}-speaker-{invitation.speaker_id}@{_host()}")
        event.add("dtstamp", stamp)
        event.add("dtstart", timezone.localtime(panel.start, forum.tz))
        event.add("dtend", timezone.localtime(panel.end, forum.tz))
        event.add("summary", f"{panel.title} ({participation.get_role_display()})")
        where = [panel.room.name] if panel.room_id else []
        where += [part for part in (forum.venue, forum.city) if part]
        event.add("location", ", ".join(where))
        if panel.description:
            event.add("description", panel.description)
        event.add("sequence", panel.sequence)
        event.add("url", panel_url(panel))
        calendar.add_component(event)
    if not sessions:
        event = icalendar.Event()
        event.add("uid", f"forum-{forum.pk}-speaker-{invitation.speaker_id}@{_host()}")
        event.add("dtstamp", stamp)
        event.add("dtstart", forum.start_date)
        event.add("dtend", forum.end_date + datetime.timedelta(days=1))
        event.add("summary", forum.name)
        event.add("location", ", ".join(part for part in (forum.venue, forum.city) if part))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def speaker_schedule_ics(*, invitation_id):
    invitation = Invitation.objects.select_related("forum", "speaker").get(pk=invitation_id)
    return f"{invitation.forum.slug}-schedule.ics", speaker_schedule_calendar(invitation=invitation), "text/calendar"
