"""Writes and business rules for speakers, invitations, RSVP answers, availability and visa letters.

Only this module changes an invitation's state. Every state change goes through ``_transition``,
which checks it against ``TRANSITIONS`` and raises :class:`SpeakerError` for anything else.
"""

import datetime
import hashlib
import io
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import localtime, uploads
from core import text as text_rules
from core.countries import country_name
from core.errors import DomainError
from core.permissions import organizers_to_notify
from core.tokens import new_token
from forum import crypto
from notifications.services import enqueue
from panels import conflicts as rules
from panels import selectors as panel_selectors
from panels.links import panel_ics_url, panel_url
from panels.models import Availability, Panel, Participation
from panels.services import lock_forum_schedule

from . import selectors
from .errors import SpeakerError
from .models import (
    Invitation,
    InvitationPanel,
    InvitationToken,
    LetterSequence,
    Speaker,
    VisaLetter,
    VisaLetterLog,
)
from .signals import speaker_deleted

logger = logging.getLogger(__name__)

State = Invitation.State

# Which state each state may move to. Everything else is refused.
TRANSITIONS = {
    State.DRAFT: {State.SENT, State.WITHDRAWN},
    State.SENT: {State.VIEWED, State.ACCEPTED, State.DECLINED, State.EXPIRED, State.WITHDRAWN},
    State.VIEWED: {State.ACCEPTED, State.DECLINED, State.EXPIRED, State.WITHDRAWN},
    # Until the forum ends the expert may change their mind.
    State.ACCEPTED: {State.DECLINED, State.WITHDRAWN},
    State.DECLINED: {State.ACCEPTED, State.WITHDRAWN},
    # Organizers may reopen an expired invitation by sending it again.
    State.EXPIRED: {State.SENT, State.WITHDRAWN},
    State.WITHDRAWN: set(),
}
_TIMESTAMP = {
    State.SENT: "sent_at",
    State.VIEWED: "viewed_at",
    State.ACCEPTED: "accepted_at",
    State.DECLINED: "declined_at",
    State.EXPIRED: "expired_at",
    State.WITHDRAWN: "withdrawn_at",
}
REMINDER_DAYS = (7, 3, 1)
# Deadlines end in the forum's evening; reminders go out in its morning.
DEADLINE_TIME = datetime.time(23, 59)
REMINDER_TIME = datetime.time(9, 0)
DEFAULT_RESPONSE_DAYS = 14
PHOTO_MAX_BYTES = uploads.PHOTO_MAX_BYTES
PHOTO_MAX_SIDE = uploads.PHOTO_MAX_SIDE
PHOTO_FORMATS = uploads.PHOTO_FORMATS


def _now(now=None):
    return now or timezone.now()


def _transition(invitation, target, *, now):
    current = State(invitation.state)
    if target not in TRANSITIONS[current]:
        raise SpeakerError(
            _("An invitation that is %(current)s cannot become %(target)s.")
            % {"current": current.label, "target": State(target).label},
            code="illegal_transition",
            status=409,
        )
    invitation.state = target
    setattr(invitation, _TIMESTAMP[target], now)
    return ["state", _TIMESTAMP[target]]


def _locked(invitation):
    """Re-read the invitation under a row lock so two answers cannot interleave."""
    return Invitation.objects.select_for_update().select_related("forum", "speaker").get(pk=invitation.pk)


def _full_clean(instance, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
        first = next(iter(fields.values()))[0]
        raise SpeakerError(first, fields=fields) from exc


# --- speakers ---------------------------------------------------------------------------------

SPEAKER_FIELDS = {
    "first_name", "last_name", "first_name_latin", "last_name_latin", "honorific", "organization",
    "country", "email", "phone", "preferred_language",
}  # fmt: skip
TRANSLATED_SPEAKER_FIELDS = {"bio", "position"}


def _apply_speaker_fields(speaker, fields):
    for name, value in fields.items():
        if name in TRANSLATED_SPEAKER_FIELDS:
            values = value if isinstance(value, dict) else {settings.LANGUAGE_CODE: value}
            unknown = set(values) - set(settings.LANGUAGE_CODES)
            if unknown:
                raise SpeakerError(_("Unknown language: %s") % ", ".join(sorted(unknown)), code="unknown_language")
            for lang, text in values.items():
                setattr(speaker, f"{name}_{lang}", text or "")
        elif name in SPEAKER_FIELDS:
            setattr(speaker, name, value if value is not None else "")
        else:
            raise SpeakerError(_("Unknown field: %s") % name, code="unknown_field", fields={name: ["unknown"]})
    if speaker.email:
        speaker.email = speaker.email.strip().lower()
    if speaker.preferred_language not in settings.LANGUAGE_CODES:
        raise SpeakerError(
            _("Choose a language among: %s.") % ", ".join(settings.LANGUAGE_CODES),
            code="invalid",
            fields={"preferred_language": ["invalid"]},
        )


@transaction.atomic
def create_speaker(**fields):
    """Create a speaker. ``bio`` and ``position`` take a string (Azerbaijani) or {lang: text}."""
    consent = fields.pop("publish_consent", False)
    speaker = Speaker()
    _apply_speaker_fields(speaker, fields)
    if Speaker.objects.filter(email__iexact=speaker.email).exists():
        raise SpeakerError(
            _("A speaker with this email already exists."), code="duplicate_email", fields={"email": ["taken"]}
        )
    speaker.publish_consent = bool(consent)
    speaker.publish_consent_at = timezone.now() if consent else None
    _full_clean(speaker, exclude=["photo"])
    speaker.save()
    return speaker


@transaction.atomic
def update_speaker(*, speaker, **fields):
    consent = fields.pop("publish_consent", None)
    _apply_speaker_fields(speaker, fields)
    if Speaker.objects.filter(email__iexact=speaker.email).exclude(pk=speaker.pk).exists():
        raise SpeakerError(
            _("A speaker with this email already exists."), code="duplicate_email", fields={"email": ["taken"]}
        )
    if consent is not None:
        _set_consent(speaker, consent)
    _full_clean(speaker, exclude=["photo"])
    speaker.save()
    return speaker


@transaction.atomic
def delete_speaker(*, speaker, by=None):
    """Delete a speaker with their invitations, places on panels and availability: logged, and
    announced (``signals.speaker_deleted``) inside the transaction, before the row goes."""
    speaker = Speaker.objects.select_for_update().get(pk=speaker.pk)
    panel_ids = sorted(Participation.objects.filter(speaker=speaker).values_list("panel_id", flat=True))
    speaker_deleted.send(sender=Speaker, speaker=speaker, panel_ids=panel_ids, by=by)
    logger.info(
        "Speaker %s deleted by %s (was on panels %s)",
        speaker.pk,
        getattr(by, "pk", None) or "the system",
        panel_ids or "none",
    )
    speaker.delete()


def _set_consent(speaker, consent):
    consent = bool(consent)
    if consent and not speaker.publish_consent:
        speaker.publish_consent_at = timezone.now()
    elif not consent:
        speaker.publish_consent_at = None
    speaker.publish_consent = consent


def process_photo(upload):
    """The photo re-encoded by the one rule for stored photos (core/uploads.py), or a SpeakerError."""
    try:
        return uploads.clean_photo(upload)
    except ValidationError as exc:
        code = "photo_type" if exc.code == "invalid_type" else "photo_too_large"
        raise SpeakerError(exc.messages[0], code=code, fields={"photo": [exc.code]}) from exc


@transaction.atomic
def update_profile(*, speaker, bio=None, bio_language=None, photo=None, publish_consent=None, position=None):
    """The expert's own profile changes from the RSVP page: bio (in one language), photo, consent."""
    language = bio_language or speaker.preferred_language or settings.LANGUAGE_CODE
    if language not in settings.LANGUAGE_CODES:
        raise SpeakerError(_("Choose a language among: %s.") % ", ".join(settings.LANGUAGE_CODES))
    update = ["updated_at"]
    if bio is not None:
        if len(bio) > 3000:
            raise SpeakerError(_("The biography is too long: at most 3000 characters."), fields={"bio": ["too_long"]})
        setattr(speaker, f"bio_{language}", bio.strip())
        update.append(f"bio_{language}")
    if position is not None:
        setattr(speaker, f"position_{language}", position.strip()[:200])
        update.append(f"position_{language}")
    if photo is not None:
        content = process_photo(photo)
        old = speaker.photo.name if speaker.photo else ""
        speaker.photo.save(content.name, content, save=False)
        update.append("photo")
        if old:
            transaction.on_commit(lambda: speaker.photo.storage.delete(old))
    if publish_consent is not None:
        _set_consent(speaker, publish_consent)
        update += ["publish_consent", "publish_consent_at"]
    speaker.save(update_fields=update)
    return speaker


# --- invitations ------------------------------------------------------------------------------


def default_deadline(forum, now=None):
    """The end (23:59, forum time) of the forum-local day two weeks from now, but no later than a
    week before the forum starts and at least a day ahead; never a small-hours deadline."""
    now = _now(now)
    tz = forum.tz
    day = localtime.local_date(now + datetime.timedelta(days=DEFAULT_RESPONSE_DAYS), tz)
    latest = forum.start_date - datetime.timedelta(days=7)
    earliest = localtime.local_date(now + datetime.timedelta(days=1), tz)
    deadline = localtime.at_local(max(min(day, latest), earliest), DEADLINE_TIME, tz)
    return min(deadline, forum.ends_at)


def _check_deadline(forum, deadline, now):
    if deadline <= now:
        raise SpeakerError(
            _("The response deadline must be in the future."),
            code="invalid_deadline",
            fields={"response_deadline": ["past"]},
        )
    if deadline > forum.ends_at:
        raise SpeakerError(
            _("The response deadline must be before the forum ends."),
            code="invalid_deadline",
            fields={"response_deadline": ["after_forum"]},
        )


@transaction.atomic
def create_invitation(*, forum, speaker, response_deadline=None, personal_message="", invited_by=None, now=None):
    """A draft invitation (nothing is sent yet)."""
    now = _now(now)
    if Invitation.objects.filter(forum=forum, speaker=speaker).exists():
        raise SpeakerError(
            _("%(name)s is already invited to this forum.") % {"name": speaker.full_name},
            code="already_invited",
            status=409,
        )
    deadline = response_deadline or default_deadline(forum, now)
    _check_deadline(forum, deadline, now)
    return Invitation.objects.create(
        forum=forum,
        speaker=speaker,
        response_deadline=deadline,
        personal_message=personal_message or "",
        invited_by=invited_by,
    )


@transaction.atomic
def update_invitation(*, invitation, response_deadline=None, personal_message=None, now=None):
    now = _now(now)
    invitation = _locked(invitation)
    if invitation.state == State.WITHDRAWN:
        raise SpeakerError(_("This invitation was withdrawn."), code="withdrawn", status=409)
    fields = ["updated_at"]
    if response_deadline is not None:
        _check_deadline(invitation.forum, response_deadline, now)
        invitation.response_deadline = response_deadline
        fields.append("response_deadline")
    if personal_message is not None:
        invitation.personal_message = personal_message
        fields.append("personal_message")
    invitation.save(update_fields=fields)
    return invitation


@transaction.atomic
def offer_panel(*, invitation, panel, role=Participation.Role.PANELIST):
    """Offer a panel (with a role) to the invited expert, or change the role offered."""
    if panel.forum_id != invitation.forum_id:
        raise SpeakerError(_("The panel belongs to another forum."), code="wrong_forum", fields={"panel": ["forum"]})
    if role not in Participation.Role.values:
        raise SpeakerError(_("Unknown role."), code="invalid", fields={"role": ["invalid"]})
    if invitation.state in {State.WITHDRAWN, State.DECLINED}:
        raise SpeakerError(_("Panels cannot be offered on a closed invitation."), code="closed", status=409)
    offer, created = InvitationPanel.objects.get_or_create(invitation=invitation, panel=panel, defaults={"role": role})
    if not created and offer.role != role:
        offer.role = role
        offer.save(update_fields=["role"])
        accepted = offer.answer == InvitationPanel.Answer.ACCEPTED
        if accepted and Participation.objects.filter(panel=panel, speaker_id=invitation.speaker_id).update(role=role):
            panel.save(update_fields=["updated_at"])  # the program shows the role
    return offer


@transaction.atomic
def remove_panel_offer(*, invitation, panel):
    offer = InvitationPanel.objects.filter(invitation=invitation, panel=panel).first()
    if offer is None:
        return
    if offer.answer == InvitationPanel.Answer.ACCEPTED:
        Participation.objects.filter(panel=panel, speaker_id=invitation.speaker_id).delete()
    offer.delete()


def _issue_token(invitation, now):
    """A new RSVP token (256 random bits). Only its hash is stored; the raw value goes into the
    email that carries it and nowhere else. Valid until the forum ends."""
    raw, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash, expires_at=invitation.forum.ends_at)
    return raw


def rsvp_url(raw_token):
    return settings.SITE_URL + reverse("speakers:rsvp", kwargs={"token": raw_token})


def organizer_invitation_url(invitation):
    return settings.SITE_URL + reverse(
        "speakers:organizer-invitation", kwargs={"slug": invitation.forum.slug, "pk": invitation.pk}
    )


LINK_KINDS = ("speaker_invitation", "speaker_invitation_reminder", "speaker_link")
LINK_KEYS = ("rsvp_url",)


def fresh_message_links(message, now=None):
    """Outbox hook (``notifications.services.register_personal_links``): a new RSVP link for the
    invitation of a message whose link was erased after sending, so an organizer can resend it."""
    now = _now(now)
    invitation = (
        Invitation.objects.select_related("forum").filter(pk=(message.context or {}).get("invitation_id")).first()
    )
    if invitation is None:
        raise SpeakerError(_("The invitation no longer exists."), code="not_found", status=409)
    if invitation.state == State.WITHDRAWN:
        raise SpeakerError(_("The invitation was withdrawn."), code="withdrawn", status=409)
    if now >= invitation.forum.ends_at:
        raise SpeakerError(_("The forum is over."), code="forum_over", status=409)
    return {"rsvp_url": rsvp_url(_issue_token(invitation, now))}


def _message_context(invitation, language, **extra):
    """A JSON context with every text already rendered in ``language`` and times in forum time."""
    from django.utils.formats import date_format

    forum = invitation.forum
    speaker = invitation.speaker
    tz = forum.tz
    with translation.override(language):
        offers = [
            {
                "title": offer.panel.title,
                "role": offer.get_role_display(),
                "answer": offer.answer,
                "when": (
                    date_format(timezone.localtime(offer.panel.start, tz), "DATETIME_FORMAT")
                    if offer.panel.start
                    else ""
                ),
            }
            for offer in invitation.offered_panels.select_related("panel").order_by("panel__start", "panel_id")
        ]
        context = {
            "invitation_id": invitation.pk,
            "forum_id": forum.pk,  # brands the layout with this edition
            "speaker_name": speaker.full_name,
            "speaker_salutation": (
                f"{speaker.get_honorific_display()} {speaker.last_name}" if speaker.honorific else speaker.full_name
            ),
            "forum_name": forum.name,
            "forum_city": forum.city,
            "forum_venue": forum.venue,
            "forum_dates": (
                date_format(forum.start_date, "DATE_FORMAT")
                + ("" if forum.end_date == forum.start_date else " – " + date_format(forum.end_date, "DATE_FORMAT"))
            ),
            "deadline": date_format(timezone.localtime(invitation.response_deadline, tz), "DATETIME_FORMAT"),
            "timezone": forum.timezone,
            "personal_message": invitation.personal_message,
            "panels": offers,
            "site_url": settings.SITE_URL,
        }
    context.update(extra)
    return context


def _speaker_language(speaker):
    return speaker.preferred_language if speaker.preferred_language in settings.LANGUAGE_CODES else "en"


@transaction.atomic
def send_invitation(*, invitation, by=None, response_deadline=None, now=None):
    """Send a draft invitation, or reopen an expired one with a new deadline."""
    now = _now(now)
    invitation = _locked(invitation)
    if response_deadline is not None:
        _check_deadline(invitation.forum, response_deadline, now)
        invitation.response_deadline = response_deadline
    elif invitation.state == State.EXPIRED or invitation.response_deadline <= now:
        invitation.response_deadline = default_deadline(invitation.forum, now)
    if now >= invitation.forum.ends_at:
        raise SpeakerError(_("The forum is over."), code="forum_over", status=409)
    fields = _transition(invitation, State.SENT, now=now)
    invitation.send_round += 1
    if by is not None and invitation.invited_by_id is None:
        invitation.invited_by = by
        fields.append("invited_by")
    invitation.save(update_fields=[*fields, "send_round", "response_deadline", "updated_at"])
    raw = _issue_token(invitation, now)
    language = _speaker_language(invitation.speaker)
    enqueue(
        kind="speaker_invitation",
        recipient=invitation.speaker.email,
        language=language,
        context=_message_context(invitation, language, rsvp_url=rsvp_url(raw)),
        dedupe_key=f"speaker_invitation:{invitation.pk}:{invitation.send_round}",
        related=invitation,
    )
    return invitation


@transaction.atomic
def mark_viewed(*, invitation, now=None):
    now = _now(now)
    invitation = _locked(invitation)
    fields = _transition(invitation, State.VIEWED, now=now)
    invitation.save(update_fields=[*fields, "updated_at"])
    return invitation


def record_visit(*, invitation, now=None):
    """The expert opened their RSVP link: the first visit of a sent invitation marks it viewed."""
    if invitation.state == State.SENT:
        return mark_viewed(invitation=invitation, now=now)
    return invitation


def _ensure_answerable(invitation, now):
    if now >= invitation.forum.ends_at:
        raise SpeakerError(_("The forum is over; answers can no longer be changed."), code="forum_over", status=409)
    if invitation.is_open and invitation.response_deadline <= now:
        raise SpeakerError(
            _("The deadline to answer has passed. Please write to the organizers, who can reopen your invitation."),
            code="deadline_passed",
            status=409,
        )


def _tell_organizers(*, kind, context, dedupe_key, related):
    """One message of ``kind`` to each organizer, in the default language; ``dedupe_key`` is
    suffixed with the recipient so each of them hears it once."""
    for recipient in organizers_to_notify():
        enqueue(
            kind=kind,
            recipient=recipient,
            language=settings.LANGUAGE_CODE,
            context=context,
            dedupe_key=f"{dedupe_key}:{recipient}",
            related=related,
        )


def _notify_organizers(invitation, kind):
    language = settings.LANGUAGE_CODE
    context = _message_context(
        invitation,
        language,
        organizer_url=organizer_invitation_url(invitation),
        decline_reason=invitation.decline_reason,
        speaker_organization=invitation.speaker.organization,
        speaker_country=country_name(invitation.speaker.country.code, language),
    )
    _tell_organizers(
        kind=kind, context=context, dedupe_key=f"{kind}:{invitation.pk}:{invitation.answer_version}", related=invitation
    )


def speaker_schedule(invitation, language):
    """The speaker's sessions at the invitation's forum as every email shows them: title, role,
    forum-local time and room, rendered in ``language`` (JSON-ready)."""
    from django.utils.formats import date_format

    tz = invitation.forum.tz
    sessions = selectors.speaker_sessions(forum=invitation.forum, speaker=invitation.speaker)
    with translation.override(language):
        return [
            {
                "title": part.panel.title,
                "role": part.get_role_display(),
                "when": date_format(timezone.localtime(part.panel.start, tz), "DATETIME_FORMAT")
                if part.panel.start
                else "",
                "room": part.panel.room.name if part.panel.room_id else "",
            }
            for part in sessions
        ]


def _send_schedule(invitation):
    language = _speaker_language(invitation.speaker)
    schedule = speaker_schedule(invitation, language)
    attachments = [{"builder": "speakers.attachments.speaker_schedule_ics", "kwargs": {"invitation_id": invitation.pk}}]
    if invitation.needs_visa_letter and visa_letter_problems(invitation) == []:
        attachments.append(
            {"builder": "speakers.attachments.visa_letter_pdf", "kwargs": {"invitation_id": invitation.pk}}
        )
    enqueue(
        kind="speaker_schedule",
        recipient=invitation.speaker.email,
        language=language,
        context=_message_context(invitation, language, schedule=schedule),
        dedupe_key=f"speaker_schedule:{invitation.pk}:{invitation.answer_version}",
        related=invitation,
        attachments=attachments,
    )


def _take_seat(invitation, offer):
    """Seat the expert on an accepted panel through the scheduling rules, so accepting cannot put
    a speaker in two places at once or outside their stated availability."""
    from panels import services as panel_services

    seat = Participation.objects.filter(panel=offer.panel, speaker_id=invitation.speaker_id).first()
    if seat is not None:
        if seat.role != offer.role:
            seat.role = offer.role
            seat.save(update_fields=["role"])
        return
    try:
        panel_services.add_participant(panel=offer.panel, speaker=invitation.speaker, role=offer.role)
    except DomainError as exc:
        raise SpeakerError(exc.message, code=exc.code, status=409, extra=exc.extra) from exc


def _apply_panel_answers(invitation, panel_answers, now):
    """Record the expert's yes/no per offered panel and keep Participation in step."""
    offers = {offer.panel_id: offer for offer in invitation.offered_panels.select_related("panel")}
    unknown = {int(pid) for pid in panel_answers} - set(offers)
    if unknown:
        raise SpeakerError(
            _("That panel was not offered to you."), code="unknown_panel", fields={"panels": ["unknown"]}
        )
    changed = False
    for panel_id, accept in panel_answers.items():
        offer = offers[int(panel_id)]
        answer = InvitationPanel.Answer.ACCEPTED if accept else InvitationPanel.Answer.DECLINED
        if offer.answer == answer:
            continue
        if accept and offer.panel.status == Panel.Status.CANCELLED:
            raise SpeakerError(
                _("The panel “%(title)s” was cancelled.") % {"title": offer.panel.title},
                code="panel_cancelled",
                status=409,
            )
        offer.answer = answer
        offer.answered_at = now
        offer.save(update_fields=["answer", "answered_at"])
        changed = True
        if accept:
            _take_seat(invitation, offer)
        else:
            Participation.objects.filter(panel=offer.panel, speaker_id=invitation.speaker_id).delete()
    return changed


def _decline_all_offers(invitation, now):
    for offer in invitation.offered_panels.all():
        if offer.answer == InvitationPanel.Answer.ACCEPTED:
            Participation.objects.filter(panel_id=offer.panel_id, speaker_id=invitation.speaker_id).delete()
        if offer.answer != InvitationPanel.Answer.DECLINED:
            offer.answer = InvitationPanel.Answer.DECLINED
            offer.answered_at = now
            offer.save(update_fields=["answer", "answered_at"])


@transaction.atomic
def accept_invitation(*, invitation, panel_answers=None, now=None):
    """The expert comes. ``panel_answers`` maps offered panel ids to True (accept) or False."""
    now = _now(now)
    invitation = _locked(invitation)
    _ensure_answerable(invitation, now)
    fields = _transition(invitation, State.ACCEPTED, now=now)
    invitation.answer_version += 1
    invitation.decline_reason = ""
    invitation.save(update_fields=[*fields, "answer_version", "decline_reason", "updated_at"])
    _apply_panel_answers(invitation, panel_answers or {}, now)
    _notify_organizers(invitation, "speaker_accepted")
    _send_schedule(invitation)
    return invitation


@transaction.atomic
def decline_invitation(*, invitation, reason="", now=None):
    now = _now(now)
    invitation = _locked(invitation)
    _ensure_answerable(invitation, now)
    fields = _transition(invitation, State.DECLINED, now=now)
    invitation.answer_version += 1
    invitation.decline_reason = (reason or "").strip()[:2000]
    invitation.save(update_fields=[*fields, "answer_version", "decline_reason", "updated_at"])
    _decline_all_offers(invitation, now)
    _notify_organizers(invitation, "speaker_declined")
    return invitation


@transaction.atomic
def answer_panels(*, invitation, panel_answers, now=None):
    """Change the answers on offered panels of an accepted invitation."""
    now = _now(now)
    invitation = _locked(invitation)
    _ensure_answerable(invitation, now)
    if invitation.state != State.ACCEPTED:
        raise SpeakerError(_("Accept the invitation before answering for a panel."), code="not_accepted", status=409)
    if _apply_panel_answers(invitation, panel_answers, now):
        invitation.answer_version += 1
        invitation.save(update_fields=["answer_version", "updated_at"])
        _send_schedule(invitation)
    return invitation


def respond(*, invitation, attend, panel_answers=None, reason="", now=None):
    """One RSVP submission: come or not, and yes/no per offered panel."""
    if attend:
        if invitation.state == State.ACCEPTED:
            return answer_panels(invitation=invitation, panel_answers=panel_answers or {}, now=now)
        return accept_invitation(invitation=invitation, panel_answers=panel_answers, now=now)
    if invitation.state == State.DECLINED:
        return invitation
    return decline_invitation(invitation=invitation, reason=reason, now=now)


@transaction.atomic
def expire_invitation(*, invitation, now=None):
    now = _now(now)
    invitation = _locked(invitation)
    fields = _transition(invitation, State.EXPIRED, now=now)
    invitation.save(update_fields=[*fields, "updated_at"])
    return invitation


@transaction.atomic
def withdraw_invitation(*, invitation, now=None):
    """Organizers take the invitation back: every link stops working and accepted panels are freed."""
    now = _now(now)
    invitation = _locked(invitation)
    fields = _transition(invitation, State.WITHDRAWN, now=now)
    invitation.save(update_fields=[*fields, "updated_at"])
    invitation.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    for offer in invitation.offered_panels.filter(answer=InvitationPanel.Answer.ACCEPTED):
        Participation.objects.filter(panel_id=offer.panel_id, speaker_id=invitation.speaker_id).delete()
    return invitation


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
    raw = _issue_token(invitation, now)
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
            skipped.append((invitation.speaker.full_name, exc.message))
    return done, skipped


def bulk_remind(*, forum, invitation_ids, now=None):
    done, skipped = [], []
    for invitation in Invitation.objects.filter(forum=forum, pk__in=invitation_ids).select_related("speaker"):
        try:
            if remind_invitation(invitation=invitation, now=now) is None:
                skipped.append((invitation.speaker.full_name, _("already reminded today")))
            else:
                done.append(invitation.pk)
        except SpeakerError as exc:
            skipped.append((invitation.speaker.full_name, exc.message))
    return done, skipped


# --- travel, visa, availability ---------------------------------------------------------------

TRAVEL_FIELDS = {
    "arrival_date", "arrival_flight", "departure_date", "departure_flight", "nationality", "needs_visa_letter",
    "passport_number", "passport_expiry", "accommodation", "dietary_needs", "accessibility_needs",
    "interpretation_language", "av_needs",
}  # fmt: skip


@transaction.atomic
def update_travel(*, invitation, now=None, **data):
    """The expert's travel, stay and visa details (accepted invitations only)."""
    now = _now(now)
    invitation = _locked(invitation)
    _ensure_answerable(invitation, now)
    if invitation.state != State.ACCEPTED:
        raise SpeakerError(_("Accept the invitation before giving travel details."), code="not_accepted", status=409)
    unknown = set(data) - TRAVEL_FIELDS
    if unknown:
        raise SpeakerError(_("Unknown field: %s") % ", ".join(sorted(unknown)), code="unknown_field")
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(invitation, name, value if value is not None or name.endswith(("_date", "_expiry")) else "")
    forum = invitation.forum
    errors = {}
    if invitation.arrival_date and invitation.departure_date and invitation.departure_date < invitation.arrival_date:
        errors["departure_date"] = [_("Departure cannot be before arrival.")]
    window = datetime.timedelta(days=30)
    for name in ("arrival_date", "departure_date"):
        value = getattr(invitation, name)
        if value and not (forum.start_date - window <= value <= forum.end_date + window):
            errors[name] = [_("Choose a date within 30 days of the forum.")]
    if invitation.passport_number:
        invitation.passport_number = invitation.passport_number.upper().replace(" ", "")
        if not invitation.passport_number.isalnum():
            errors["passport_number"] = [_("Use only letters and digits.")]
    if invitation.needs_visa_letter:
        if not invitation.passport_number:
            errors["passport_number"] = [_("The passport number is needed for a visa support letter.")]
        if not invitation.passport_expiry:
            errors["passport_expiry"] = [_("The passport expiry date is needed for a visa support letter.")]
        elif invitation.passport_expiry <= (invitation.departure_date or forum.end_date):
            errors["passport_expiry"] = [_("The passport must be valid beyond your departure.")]
        if not invitation.nationality:
            errors["nationality"] = [_("Your nationality is needed for a visa support letter.")]
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
    """Tell the organizers (as for a declined invitation) that the expert's new windows leave out
    a panel they are placed on: once per speaker, panel and set of windows."""
    forum, speaker, panel = invitation.forum, invitation.speaker, session.panel
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        details = {
            "panel_id": panel.pk,
            "panel_title": panel.title,
            "panel_when": rules.local_when(panel.start, panel.end, forum.tz),
            "panel_room": panel.room.name if panel.room_id else "",
            "role": session.get_role_display(),
            "windows": [rules.local_when(start, end, forum.tz) for start, end in windows],
        }
    context = _message_context(
        invitation,
        language,
        **details,
        organizer_url=organizer_invitation_url(invitation),
        schedule_url=settings.SITE_URL + reverse("panels:organizer-schedule", args=[forum.slug]) + f"#panel-{panel.pk}",
        speaker_organization=speaker.organization,
        speaker_country=country_name(speaker.country.code, language),
    )
    kind = "speaker_availability_conflict"
    key = f"{kind}:{speaker.pk}:{panel.pk}:{_windows_digest(windows)}"
    _tell_organizers(kind=kind, context=context, dedupe_key=key, related=invitation)


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
                "speaker_name": speaker.full_name,
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


def visa_letter_problems(invitation):
    """What is missing before a visa letter can be produced ([] when it can)."""
    problems = []
    if invitation.state != State.ACCEPTED:
        problems.append(_("The invitation is not accepted."))
    if not invitation.needs_visa_letter:
        problems.append(_("No visa support letter was requested."))
    if not invitation.passport_number or not invitation.passport_expiry:
        problems.append(_("Passport details are missing."))
    if not invitation.nationality:
        problems.append(_("Nationality is missing."))
    return problems


def _letter_fingerprint(invitation, signer):
    parts = [
        invitation.speaker.latin_name, invitation.nationality.code, invitation.passport_number,
        str(invitation.passport_expiry), str(invitation.arrival_date), str(invitation.departure_date), signer,
    ]  # fmt: skip
    # Keyed: a bare hash of these details could be reversed by guessing the passport number.
    return crypto.fingerprint(*parts, purpose="visa-letter")


def _next_letter_number(year):
    sequence, _created = LetterSequence.objects.select_for_update().get_or_create(year=year)
    # get_or_create may have raced: re-read under the lock.
    sequence = LetterSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


@transaction.atomic
def produce_visa_letter(*, invitation, channel, by=None, now=None):
    """Render the visa support letter PDF and log who produced it. The same details keep the same
    reference number; changed details get a new one. Returns (letter, pdf_bytes)."""
    from .letters import render_visa_letter

    now = _now(now)
    invitation = Invitation.objects.select_related("forum", "speaker").get(pk=invitation.pk)
    problems = visa_letter_problems(invitation)
    if problems:
        raise SpeakerError(" ".join(problems), code="letter_unavailable", status=409)
    signer = settings.VISA_LETTER_SIGNER
    fingerprint = _letter_fingerprint(invitation, signer)
    letter = invitation.visa_letters.filter(fingerprint=fingerprint).first()
    if letter is None:
        year = timezone.localtime(now, invitation.forum.tz).year
        number = _next_letter_number(year)
        letter = VisaLetter.objects.create(
            invitation=invitation,
            year=year,
            number=number,
            reference=f"{settings.VISA_LETTER_PREFIX}-{year}-{number:04d}",
            fingerprint=fingerprint,
            signer_name=signer,
        )
    VisaLetterLog.objects.create(letter=letter, channel=channel, produced_by=by)
    return letter, render_visa_letter(letter=letter, invitation=invitation, issued_on=letter.created_at)


# --- import -----------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    "first_name", "last_name", "first_name_latin", "last_name_latin", "honorific", "position", "organization",
    "country", "email", "phone", "preferred_language", "bio",
]  # fmt: skip
REQUIRED_COLUMNS = {"first_name", "last_name", "country", "email"}


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    invitations: int = 0
    errors: list = field(default_factory=list)  # [(row number, {column: message})]

    @property
    def ok(self):
        return not self.errors


def _read_table(*, content, filename):
    import tablib

    name = (filename or "").lower()
    try:
        if name.endswith(".xlsx"):
            dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        elif name.endswith(".csv"):
            text = content.decode("utf-8-sig")
            dataset = tablib.Dataset().load(text, format="csv")
        else:
            raise SpeakerError(_("Upload a .csv or .xlsx file."), code="import_format", fields={"file": ["format"]})
    except UnicodeDecodeError as exc:
        raise SpeakerError(
            _("The CSV file must be UTF-8."), code="import_format", fields={"file": ["encoding"]}
        ) from exc
    except SpeakerError:
        raise
    except Exception as exc:
        raise SpeakerError(_("The file could not be read as a table."), code="import_format") from exc
    headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
    missing = REQUIRED_COLUMNS - set(headers)
    if missing:
        raise SpeakerError(
            _("Missing columns: %s.") % ", ".join(sorted(missing)), code="import_columns", fields={"file": ["columns"]}
        )
    rows = []
    for values in dataset:
        row = {h: ("" if v is None else str(v).strip()) for h, v in zip(headers, values, strict=False) if h}
        if any(row.values()):
            rows.append(row)
    return rows


def _validate_import_row(row, seen_emails):
    from django_countries import countries

    errors = {}
    for column in REQUIRED_COLUMNS:
        if not row.get(column):
            errors[column] = _("This column is required.")
    # The rule for every text the forum accepts (core/text.py), checked in the dry run too.
    errors.update({column: str(text_rules.MESSAGE) for column, value in row.items() if text_rules.has_forbidden(value)})
    if "email" in errors:
        return errors
    email = row.get("email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Not a valid email address.")
        if email in seen_emails:
            errors["email"] = _("This email appears twice in the file.")
        seen_emails.add(email)
    country = row.get("country", "").upper()
    if country and country not in dict(countries):
        errors["country"] = _("Use a two-letter ISO country code, such as AZ or DE.")
    language = row.get("preferred_language", "").lower()
    if language and language not in settings.LANGUAGE_CODES:
        errors["preferred_language"] = _("Use one of: %s.") % ", ".join(settings.LANGUAGE_CODES)
    honorific = row.get("honorific", "").lower().rstrip(".")
    if honorific and honorific not in Speaker.Honorific.values:
        errors["honorific"] = _("Use one of: %s.") % ", ".join(v for v in Speaker.Honorific.values if v)
    for column, limit in (("first_name", 100), ("last_name", 100), ("organization", 200), ("phone", 40)):
        if len(row.get(column, "")) > limit:
            errors[column] = _("At most %(n)s characters.") % {"n": limit}
    return errors


def import_speakers(*, forum, content, filename, dry_run=True, create_invitations=True, by=None, now=None):
    """Import speakers from CSV or XLSX. Every row is checked first; one bad row imports nothing.

    Rows whose email already exists update that speaker. With ``create_invitations``, each imported
    speaker gets a draft invitation to ``forum`` (unless they already have one).
    """
    rows = _read_table(content=content, filename=filename)
    result = ImportResult(dry_run=dry_run, rows=len(rows))
    seen = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        errors = _validate_import_row(row, seen)
        if errors:
            result.errors.append((number, errors))
    if not rows:
        result.errors.append((1, {"file": _("The file has no rows.")}))
    existing = {
        s.email.lower(): s
        for s in Speaker.objects.filter(
            email__in=[r.get("email", "").lower() for r in rows if not text_rules.has_forbidden(r.get("email", ""))]
        )
    }
    invited = set(
        Invitation.objects.filter(forum=forum, speaker__in=existing.values()).values_list("speaker_id", flat=True)
    )
    for row in rows:
        if row.get("email", "").lower() in existing:
            result.updated += 1
        else:
            result.created += 1
    if result.errors or dry_run:
        if result.errors:
            result.created = result.updated = 0
        return result
    try:
        with transaction.atomic():
            for number, row in enumerate(rows, start=2):
                fields = {column: row[column] for column in IMPORT_COLUMNS if row.get(column)}
                fields["email"] = fields["email"].lower()
                fields["country"] = fields["country"].upper()
                if "honorific" in fields:
                    fields["honorific"] = fields["honorific"].lower().rstrip(".")
                if "preferred_language" in fields:
                    fields["preferred_language"] = fields["preferred_language"].lower()
                speaker = existing.get(fields["email"])
                try:
                    speaker = create_speaker(**fields) if speaker is None else update_speaker(speaker=speaker, **fields)
                    if create_invitations and speaker.pk not in invited:
                        create_invitation(forum=forum, speaker=speaker, invited_by=by, now=now)
                        invited.add(speaker.pk)
                        result.invitations += 1
                except SpeakerError as exc:
                    result.errors.append((number, exc.fields or {"row": exc.message}))
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = result.updated = result.invitations = 0
    return result


class _Rollback(Exception):
    pass


# --- "email me my link again" --------------------------------------------------------------------


@transaction.atomic
def send_link_again(*, email, now=None):
    """Email a fresh RSVP link for every live invitation of the speaker with ``email``.

    Says nothing about whether the address is known (the caller answers the same either way);
    at most one such message per invitation and hour. Returns the messages queued.
    """
    from notifications.models import OutboxMessage

    now = _now(now)
    address = (email or "").strip()
    invitations = (
        Invitation.objects.select_related("forum", "speaker")
        .filter(speaker__email__iexact=address)
        .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
        .order_by("pk")
    )
    messages = []
    for invitation in invitations:
        if now >= invitation.forum.ends_at:
            continue
        key = f"speaker_link:{invitation.pk}:{now:%Y%m%d%H}"
        if OutboxMessage.objects.filter(dedupe_key=key).exists():
            continue
        language = _speaker_language(invitation.speaker)
        messages.append(
            enqueue(
                kind="speaker_link",
                recipient=invitation.speaker.email,
                language=language,
                context=_message_context(invitation, language, rsvp_url=rsvp_url(_issue_token(invitation, now))),
                dedupe_key=key,
                related=invitation,
            )
        )
    return messages
