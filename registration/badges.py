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


def badge_qr(registration):
    """The QR code the check-in desk scans: the badge code itself (``services.check_in`` reads it,
    with or without the dash of ``badge_code_display``). Always a full QR code: for ten characters
    segno would pick a Micro QR, which the desk's camera (BarcodeDetector "qr_code") and most phone
    scanners do not read."""
    return segno.make(registration.badge_code, error="m", micro=False)


def _badge_context(registration, latin_name=None):
    """What one badge shows. ``latin_name`` is ``(first, last)`` in Latin letters when the person's
    Latin spelling is known (a speaker's, matched by the caller); it is then the name in large type
    and the name as registered follows in small type when it differs."""
    first, last = latin_name or (registration.first_name, registration.last_name)
    shown = f"{first} {last}".strip()
    return {
        "registration": registration,
        "forum": registration.forum,
        "first": first,
        "last": last,
        "long_name": max(len(first), len(last)) > 16,
        "as_registered": registration.full_name if shown != registration.full_name else "",
        "qr": badge_qr(registration).svg_data_uri(scale=6, border=2),
    }


def badge_pdf(registration):
    """The printable badge (one A6 page): name, organization, category, the edition and a QR code
    of the badge code."""
    from weasyprint import HTML

    with translation.override(registration.language):
        html = render_to_string("registration/badge.html", _badge_context(registration))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


SHEET = "sheet"  # A4 sheets of four A6 badges, with cut marks
SINGLE = "single"  # one A6 badge per page
LAYOUTS = (SHEET, SINGLE)
BADGES_PER_RENDER = 40  # WeasyPrint lays out this many badges at a time (memory stays flat)


def badges_pdf(registrations, *, layout=SHEET, latin_names=None, progress=None):
    """Many badges as one print-ready PDF, in the order given: on A4 sheets of four A6 badges with
    cut marks (``SHEET``), or one per A6 page (``SINGLE``). Each badge speaks its holder's language.
    ``latin_names`` maps a registration id to ``(first, last)`` in Latin letters. ``progress``
    (``advance(n)``) hears after each group of badges. Returns ``(pdf bytes, page count)``."""
    import io

    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    if layout not in LAYOUTS:
        raise ValueError(f"unknown badge layout {layout!r}")
    latin_names = latin_names or {}
    registrations = list(registrations)
    writer = PdfWriter()
    for first in range(0, len(registrations), BADGES_PER_RENDER):
        group = registrations[first : first + BADGES_PER_RENDER]
        badges = []
        for registration in group:
            with translation.override(registration.language):
                badges.append(
                    render_to_string(
                        "registration/_badge.html", _badge_context(registration, latin_names.get(registration.pk))
                    )
                )
        pages = [badges[i : i + 4] for i in range(0, len(badges), 4)] if layout == SHEET else [[b] for b in badges]
        html = render_to_string("registration/badges.html", {"layout": layout, "pages": pages})
        writer.append(PdfReader(io.BytesIO(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())))
        if progress is not None:
            progress.advance(len(group))
    writer.add_metadata({"/Title": "Badges"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


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
