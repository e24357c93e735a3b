"""Reminders before the answer deadline and the day before the forum; bulk sends."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import localtime
from notifications.services import enqueue

from ..errors import SpeakerError
from ..models import Invitation
from ._common import REMINDER_DAYS, REMINDER_TIME, State, _locked, _now
from .answers import expire_invitation, speaker_schedule
from .invitations import _message_context, _speaker_language, issue_token, rsvp_url, send_invitation


def _reminder_key(invitation, days):
    base = f"invitation_reminder:{invitation.pk}:{days}"
    return base if invitation.send_round <= 1 else f"{base}:round{invitation.send_round}"


@transaction.atomic
def remind_invitation(*, invitation, days=None, now=None):
    """Email a reminder with a fresh link to an unanswered invitation.

    ``days`` names a scheduled reminder (7, 3 or 1 days before the deadline), which is sent at
    most once; ``None`` is an organizer's "remind now", at most once a day. Returns the outbox
    message, or None when that reminder had already gone out.
    """
    from notifications.models import OutboxMessage

    now = _now(now)
    invitation = _locked(invitation)
    if not invitation.is_open:
        raise SpeakerError(_("Only an invitation waiting for an answer can be reminded."), code="not_open", status=409)
    today = localtime.local_date(now, invitation.forum.tz)
    key = _reminder_key(invitation, days) if days else f"invitation_reminder:{invitation.pk}:now:{today:%Y-%m-%d}"
    if OutboxMessage.objects.filter(dedupe_key=key).exists():
        return None
    raw = issue_token(invitation, now)
    language = _speaker_language(invitation.speaker)
    days_left = max((invitation.response_deadline - now).days, 0)
    message = enqueue(
        kind="speaker_invitation_reminder",
        recipient=invitation.speaker.email,
        language=language,
        context=_message_context(invitation, language, rsvp_url=rsvp_url(raw), days_left=days_left),
        dedupe_key=key,
        related=invitation,
    )
    invitation.last_reminded_at = now
    invitation.save(update_fields=["last_reminded_at", "updated_at"])
    return message


def _reminder_due(invitation, days):
    """The forum-local morning ``days`` days before the deadline's day (never before the moment
    exactly ``days`` days ahead of a deadline set early in the day)."""
    tz = invitation.forum.tz
    day = localtime.local_date(invitation.response_deadline, tz) - datetime.timedelta(days=days)
    return min(localtime.at_local(day, REMINDER_TIME, tz), invitation.response_deadline - datetime.timedelta(days=days))


def send_due_invitation_reminders(*, now=None):
    """The periodic sweep: expire invitations past their deadline, and remind the unanswered ones
    7, 3 and 1 days before it (only the most urgent reminder due, each at most once)."""
    now = _now(now)
    expired = reminded = 0
    overdue = Invitation.objects.filter(state__in=[State.SENT, State.VIEWED], response_deadline__lte=now)
    for invitation in overdue.only("pk"):
        try:
            expire_invitation(invitation=invitation, now=now)
            expired += 1
        except SpeakerError:  # answered meanwhile
            continue
    horizon = now + datetime.timedelta(days=max(REMINDER_DAYS))
    due = (
        Invitation.objects.filter(
            state__in=[State.SENT, State.VIEWED], response_deadline__gt=now, response_deadline__lte=horizon
        )
        .select_related("forum")
        .only("pk", "response_deadline", "sent_at", "forum__timezone")
    )
    for invitation in due:
        applicable = [
            days
            for days in REMINDER_DAYS
            if _reminder_due(invitation, days) <= now
            and (invitation.sent_at is None or invitation.sent_at < _reminder_due(invitation, days))
        ]
        if not applicable:
            continue
        try:
            if remind_invitation(invitation=invitation, days=min(applicable), now=now) is not None:
                reminded += 1
        except SpeakerError:
            continue
    return {"expired": expired, "reminded": reminded}


def send_day_before_reminders(*, now=None):
    """The day before a forum starts (forum time), send each confirmed speaker their schedule."""
    from forum.models import Forum
    from notifications.models import OutboxMessage

    now = _now(now)
    sent = 0
    candidates = Forum.objects.filter(
        start_date__gte=(now - datetime.timedelta(days=1)).date(),
        start_date__lte=(now + datetime.timedelta(days=2)).date(),
    )
    for forum in candidates:
        if timezone.localtime(now, forum.tz).date() != forum.start_date - datetime.timedelta(days=1):
            continue
        invitations = Invitation.objects.filter(forum=forum, state=State.ACCEPTED).select_related("speaker", "forum")
        for invitation in invitations:
            language = _speaker_language(invitation.speaker)
            key = f"speaker_day_before:{forum.pk}:{invitation.speaker_id}"
            if OutboxMessage.objects.filter(dedupe_key=key).exists():
                continue
            schedule = speaker_schedule(invitation, language)
            with transaction.atomic():
                enqueue(
                    kind="speaker_day_before",
                    recipient=invitation.speaker.email,
                    language=language,
                    context=_message_context(invitation, language, schedule=schedule),
                    dedupe_key=key,
                    related=invitation,
                    attachments=[
                        {
                            "builder": "speakers.attachments.speaker_schedule_ics",
                            "kwargs": {"invitation_id": invitation.pk},
                        }
                    ],
                )
            sent += 1
    return {"sent": sent}


def bulk_send(*, forum, invitation_ids, by=None, now=None):
    """Send each chosen draft or expired invitation of a forum; report what could not be sent."""
    done, skipped = [], []
    for invitation in Invitation.objects.filter(forum=forum, pk__in=invitation_ids).select_related("speaker"):
        try:
            send_invitation(invitation=invitation, by=by, now=now)
            done.append(invitation.pk)
        except SpeakerError as exc:
            skipped.append((invitation.speaker.display_name, exc.message))
    return done, skipped


def bulk_remind(*, forum, invitation_ids, now=None):
    done, skipped = [], []
    for invitation in Invitation.objects.filter(forum=forum, pk__in=invitation_ids).select_related("speaker"):
        try:
            if remind_invitation(invitation=invitation, now=now) is None:
                skipped.append((invitation.speaker.display_name, _("already reminded today")))
            else:
                done.append(invitation.pk)
        except SpeakerError as exc:
            skipped.append((invitation.speaker.display_name, exc.message))
    return done, skipped
