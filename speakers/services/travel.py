"""Travel and stay details, availability windows and schedule-change notices."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import enqueue
from panels import conflicts as rules
from panels import selectors as panel_selectors
from panels.links import panel_ics_url, panel_url
from panels.models import Availability
from panels.services import lock_forum_schedule

from ..errors import SpeakerError
from ._common import State, _full_clean, _locked, _now
from .invitations import (
    _ensure_answerable,
    _message_context,
    _tell_organizers,
    organizer_invitation_url,
    speaker_facts,
)

# --- travel, visa, availability ---------------------------------------------------------------

TRAVEL_FIELDS = {
    "arrival_date", "arrival_flight", "departure_date", "departure_flight", "needs_visa_letter", "accommodation",
    "dietary_needs", "accessibility_needs", "interpretation_language", "av_needs",
}  # fmt: skip
# Asked once, with the rest of the passport, by the visa letter step (the visas app owns them). The
# invitation's columns of these names keep what earlier travel forms stored: the letter step starts
# from them, nothing writes them any more.
PASSPORT_FIELDS = {"nationality", "passport_number", "passport_expiry"}


@transaction.atomic
def update_travel(*, invitation, now=None, **data):
    """The expert's travel and stay details, and whether they need a visa support letter (accepted
    invitations only). The passport itself is the visa letter step's (``PASSPORT_FIELDS``)."""
    now = _now(now)
    invitation = _locked(invitation)
    _ensure_answerable(invitation, now)
    if invitation.state != State.ACCEPTED:
        raise SpeakerError(_("Accept the invitation before giving travel details."), code="not_accepted", status=409)
    passport = set(data) & PASSPORT_FIELDS
    if passport:
        message = _("Passport details are given in the visa support letter step, not with the travel details.")
        raise SpeakerError(
            message, code="passport_in_letter_step", fields={name: [message] for name in sorted(passport)}
        )
    unknown = set(data) - TRAVEL_FIELDS
    if unknown:
        raise SpeakerError(_("Unknown field: %s") % ", ".join(sorted(unknown)), code="unknown_field")
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(invitation, name, value if value is not None or name.endswith("_date") else "")
    forum = invitation.forum
    errors = {}
    if invitation.arrival_date and invitation.departure_date and invitation.departure_date < invitation.arrival_date:
        errors["departure_date"] = [_("Departure cannot be before arrival.")]
    window = datetime.timedelta(days=30)
    for name in ("arrival_date", "departure_date"):
        value = getattr(invitation, name)
        if value and not (forum.start_date - window <= value <= forum.end_date + window):
            errors[name] = [_("Choose a date within 30 days of the forum.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise SpeakerError(first, fields=errors)
    invitation.travel_updated_at = now
    _full_clean(invitation, exclude=["forum", "speaker", "invited_by", "response_deadline"])
    invitation.save()
    return invitation


@transaction.atomic
def set_availability(*, invitation, windows, now=None):
    """Replace the expert's availability for the forum with ``windows`` [(start, end), ...] of
    aware datetimes. Windows must lie within the forum days; overlapping ones are merged."""
    now = _now(now)
    _ensure_answerable(invitation, now)
    if invitation.state not in {State.SENT, State.VIEWED, State.ACCEPTED}:
        raise SpeakerError(_("This invitation is not open."), code="not_open", status=409)
    forum = invitation.forum
    first = forum.local_datetime(forum.start_date, datetime.time(0, 0))
    last = forum.local_datetime(forum.end_date, datetime.time(0, 0)) + datetime.timedelta(days=1)
    cleaned = []
    for start, end in windows:
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise SpeakerError(_("Times must carry a time zone."), fields={"availability": ["naive"]})
        if end <= start:
            raise SpeakerError(_("Each window must end after it starts."), fields={"availability": ["order"]})
        if start < first or end > last:
            raise SpeakerError(_("Each window must lie within the forum days."), fields={"availability": ["range"]})
        cleaned.append((start, end))
    merged = rules.merge_windows(cleaned)
    # The scheduling service checks availability under this lock: a panel placed at the same
    # moment is either refused for the new windows or seen below, never missed.
    lock_forum_schedule(forum.pk)
    Availability.objects.filter(forum=forum, speaker=invitation.speaker).delete()
    Availability.objects.bulk_create(
        Availability(forum=forum, speaker=invitation.speaker, start=start, end=end) for start, end in merged
    )
    outside = panel_selectors.sessions_outside_availability(forum=forum, speaker=invitation.speaker, windows=merged)
    for session in outside:
        _notify_availability_conflict(invitation, session, merged)
    return AvailabilityChange(windows=merged, outside=outside)


@dataclass
class AvailabilityChange:
    """What ``set_availability`` saved: the merged ``windows``, and the speaker's scheduled or
    published sessions (Participation, panel and room loaded) that now lie ``outside`` them."""

    windows: list
    outside: list = field(default_factory=list)


def _windows_digest(windows):
    text = "|".join(f"{start.astimezone(datetime.UTC).isoformat()}/{end.astimezone(datetime.UTC).isoformat()}"
                    for start, end in windows)  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _notify_availability_conflict(invitation, session, windows):
    """Tell the organizers (as for a declined invitation), each in their language, that the
    expert's new windows leave out a panel they are placed on: once per speaker, panel and set of
    windows."""
    forum, speaker, panel = invitation.forum, invitation.speaker, session.panel

    def context_for(language):
        with translation.override(language):
            details = {
                "panel_id": panel.pk,
                "panel_title": panel.title,
                "panel_when": rules.local_when(panel.start, panel.end, forum.tz),
                "panel_room": panel.room.name if panel.room_id else "",
                "role": session.get_role_display(),
                "windows": [rules.local_when(start, end, forum.tz) for start, end in windows],
            }
        return _message_context(
            invitation,
            language,
            **details,
            organizer_url=organizer_invitation_url(invitation),
            schedule_url=settings.SITE_URL
            + reverse("panels:organizer-schedule", args=[forum.slug])
            + f"#panel-{panel.pk}",
            **speaker_facts(speaker, language),
        )

    kind = "speaker_availability_conflict"
    key = f"{kind}:{speaker.pk}:{panel.pk}:{_windows_digest(windows)}"
    _tell_organizers(kind=kind, context_for=context_for, dedupe_key=key, related=invitation)


def notify_schedule_change(*, panel, change, before):
    """Queue a 'schedule_changed' message to each speaker of a panel the public already saw, in
    the caller's transaction (the receiver of ``panels.signals.public_panel_changed``). ``change``
    is "moved", "unscheduled" or "cancelled"; ``before`` what the public saw. ``change="published"``
    (``panels.signals.panel_published``) sends a 'session_published' message with the time instead."""
    forum = panel.forum
    for participation in panel.participations.select_related("speaker"):
        speaker = participation.speaker
        language = speaker.preferred_language if speaker.preferred_language in settings.LANGUAGE_CODES else "en"
        with translation.override(language):
            old_room = before["room"].name if before.get("room") else None
            after = None
            if change in ("moved", "published"):
                after = {"when": rules.local_when(panel.start, panel.end, forum.tz), "room": panel.room.name}
            context = {
                "change": change,
                "panel_id": panel.pk,
                "title": panel.title,
                "forum": forum.name,
                "forum_id": forum.pk,  # brands the layout with this edition (and names it)
                "speaker_name": speaker.name_in(language),
                "before": {"when": before.get("when"), "room": old_room},
                "after": after,
                "timezone": forum.timezone,
                "url": panel_url(panel),
                "ics_url": panel_ics_url(panel),
            }
        enqueue(
            # A first time (or a new one after an unscheduling) is its own kind of notice.
            kind="session_published" if change == "published" else "schedule_changed",
            recipient=speaker.email,
            language=language,
            context=context,
            dedupe_key=(
                f"schedule_published:{panel.pk}:{panel.published_at:%Y%m%d%H%M%S}:{panel.sequence}:{speaker.pk}"
                if change == "published"
                else f"schedule_changed:{panel.pk}:{panel.sequence}:{speaker.pk}"
            ),
            related=panel,
        )
