"""The expert's answers: accept, decline, panel choices, expiry and withdrawal."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from notifications.services import enqueue
from panels.models import Panel, Participation

from .. import selectors
from ..errors import SpeakerError
from ..models import Invitation, InvitationPanel
from ..signals import schedule_attachments
from ._common import State, _locked, _now, _transition
from .invitations import _ensure_answerable, _message_context, _notify_organizers, _speaker_language


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
    # Apps above add theirs (the visa letter, when it can be issued): speakers never imports them.
    for _receiver, extra in schedule_attachments.send(sender=Invitation, invitation=invitation):
        attachments.extend(extra or [])
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
