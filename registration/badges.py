"""Badges (PDF with a QR code) and calendar files of a registration.

``badge_attachment`` and ``ics_attachment`` are outbox attachment builders: they take ids and
return ``(filename, bytes, mimetype)`` when the message is sent.
"""

import datetime

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Registration


def _load(registration_id):
    return Registration.objects.select_related("forum").get(pk=registration_id)


def badge_pdf(registration):
    """The printable badge: name, organization, category and a QR code of the badge code."""
    from weasyprint import HTML

    qr = segno.make(registration.badge_code, error="m")
    with translation.override(registration.language):
        html = render_to_string(
            "registration/badge.html",
            {
                "registration": registration,
                "forum": registration.forum,
                "qr": qr.svg_data_uri(scale=6, border=2),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def badge_filename(registration):
    return f"badge-{registration.forum.slug}-{registration.badge_code}.pdf"


def badge_attachment(*, registration_id):
    registration = _load(registration_id)
    return badge_filename(registration), badge_pdf(registration), "application/pdf"


def ics_bytes(registration):
    """One calendar event per forum day, in the forum's time zone (RFC 5545), and one per panel the
    person chose that the public program shows. The panels' events are the public schedule.ics's
    own (same builder: same UID and SEQUENCE), so a calendar subscribed to both shows each once and
    a moved or cancelled panel updates in place."""
    import icalendar

    from panels.exports import panel_event

    from .selectors import agenda_panels

    forum = registration.forum
    language = registration.language
    name = getattr(forum, f"name_{language}", None) or forum.name
    location = ", ".join(
        part
        for part in (
            getattr(forum, f"venue_{language}", None) or forum.venue,
            getattr(forum, f"city_{language}", None) or forum.city,
        )
        if part
    )
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//National Cybersecurity Forum//registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "forum"
    stamp = registration.confirmed_at or registration.created_at or datetime.datetime.now(datetime.UTC)
    for number, day in enumerate(forum.days, start=1):
        event = icalendar.Event()
        event.add("uid", f"registration-{registration.pk}-day-{number}@{host}")
        event.add("dtstamp", stamp.astimezone(datetime.UTC))
        event.add("dtstart", forum.local_datetime(day, forum.day_opens_at))
        event.add("dtend", forum.local_datetime(day, forum.day_closes_at))
        event.add("summary", name if len(forum.days) == 1 else f"{name} ({number}/{len(forum.days)})")
        if location:
            event.add("location", location)
        event.add("description", f"{registration.full_name} · {registration.badge_code_display}")
        calendar.add_component(event)
    with translation.override(language):  # titles, rooms and themes in the person's language
        for panel in agenda_panels(registration=registration, speakers=True):
            calendar.add_component(panel_event(panel))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def ics_filename(registration):
    return f"{registration.forum.slug}.ics"


def ics_attachment(*, registration_id):
    registration = _load(registration_id)
    return ics_filename(registration), ics_bytes(registration), "text/calendar"
