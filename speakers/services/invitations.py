"""Creating, editing and sending invitations; personal links; telling organizers."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import localtime
from core.countries import country_name
from core.permissions import organizer_recipients
from core.tokens import new_token
from notifications.services import enqueue
from panels.models import Participation

from ..errors import SpeakerError
from ..models import (
    Invitation,
    InvitationPanel,
    InvitationToken,
)
from ._common import DEADLINE_TIME, DEFAULT_RESPONSE_DAYS, State, _locked, _now, _transition

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
            _("%(name)s is already invited to this forum.") % {"name": speaker.display_name},
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


def check_draft_deadline(*, forum, now=None):
    """The deadline a draft invitation made now would get; refused (SpeakerError) when the forum
    leaves no time to answer. An import checks it before anything is written."""
    now = _now(now)
    deadline = default_deadline(forum, now)
    _check_deadline(forum, deadline, now)
    return deadline


@transaction.atomic
def create_draft_invitations(*, forum, speakers, invited_by=None, now=None):
    """Draft invitations for many speakers at once (an import), by the rules of
    :func:`create_invitation` with the default deadline; speakers already invited are skipped.
    Returns the invitations created."""
    deadline = check_draft_deadline(forum=forum, now=now)
    ids = [speaker.pk for speaker in speakers]
    invited = set(Invitation.objects.filter(forum=forum, speaker__in=ids).values_list("speaker_id", flat=True))
    new = [
        Invitation(forum=forum, speaker=speaker, response_deadline=deadline, invited_by=invited_by)
        for speaker in speakers
        if speaker.pk not in invited
    ]
    return Invitation.objects.bulk_create(new, batch_size=500)


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


def issue_token(invitation, now):
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
    """Outbox hook (answers ``notifications.signals.personal_links_renewed``): a new RSVP link for the
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
    return {"rsvp_url": rsvp_url(issue_token(invitation, now))}


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
            "speaker_name": speaker.name_in(language),
            "speaker_salutation": speaker.salutation_in(language),
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
    raw = issue_token(invitation, now)
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


def _tell_organizers(*, kind, context_for, dedupe_key, related):
    """One message of ``kind`` to each organizer, in that organizer's language
    (``core.permissions.organizer_recipients``): ``context_for(language)`` builds the context once
    per language. ``dedupe_key`` is suffixed with the recipient so each of them hears it once."""
    contexts = {}
    for recipient, language in organizer_recipients():
        if language not in contexts:
            contexts[language] = context_for(language)
        enqueue(
            kind=kind,
            recipient=recipient,
            language=language,
            context=contexts[language],
            dedupe_key=f"{dedupe_key}:{recipient}",
            related=related,
        )


def speaker_facts(speaker, language):
    """What organizers read about a speaker in a notice, in ``language``."""
    return {
        "speaker_organization": speaker.organization_in(language),
        "speaker_position": speaker.position_in(language),
        "speaker_country": country_name(speaker.country.code, language),
    }


def _notify_organizers(invitation, kind):
    def context_for(language):
        return _message_context(
            invitation,
            language,
            organizer_url=organizer_invitation_url(invitation),
            decline_reason=invitation.decline_reason,
            **speaker_facts(invitation.speaker, language),
        )

    _tell_organizers(
        kind=kind,
        context_for=context_for,
        dedupe_key=f"{kind}:{invitation.pk}:{invitation.answer_version}",
        related=invitation,
    )
