"""How visas reacts to the speakers app (connected in ``VisasConfig.ready``): letters follow their
invitation, the letter rides along with the speaker's schedule, and the organizers' page and travel
export of an invitation show its letter. Speakers never imports visas."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from speakers.models import Invitation
from speakers.signals import flow_steps, organizer_invitation_sections, schedule_attachments, travel_export_columns

from . import flow, selectors, services

REASONS = {
    Invitation.State.DECLINED: "The speaker declined the invitation.",
    Invitation.State.WITHDRAWN: "The organizers withdrew the invitation.",
    Invitation.State.EXPIRED: "The invitation expired.",
}


@receiver(post_save, sender=Invitation, dispatch_uid="visas.revoke_on_invitation_end")
def revoke_letters_when_invitation_ends(sender, instance, created, update_fields=None, **kwargs):
    """Once declined, withdrawn or expired, every letter the invitation carries is revoked in the
    same transaction as the change (post_save runs inside it)."""
    if created or instance.state not in services.ENDED_STATES:
        return
    if update_fields is not None and "state" not in update_fields:
        return
    services.revoke_invitation_letters(invitation=instance, reason=REASONS[instance.state])


@receiver(schedule_attachments, dispatch_uid="visas.letter_with_schedule")
def letter_with_the_schedule(sender, *, invitation, **kwargs):
    """The bilingual letter goes with the speaker's schedule when it can be issued now; the PDF is
    the current letter when the mail leaves (visas.attachments)."""
    if services.letter_problems(invitation):
        return []
    return [{"builder": "visas.attachments.visa_letter_pdf", "kwargs": {"invitation_id": invitation.pk}}]


@receiver(organizer_invitation_sections, dispatch_uid="visas.organizer_invitation_letter")
def letter_section(sender, *, invitation, request, **kwargs):
    """For speakers who may need a letter (foreign, or asked for one) and any that has one."""
    wanted = invitation.needs_visa_letter or invitation.is_foreign
    if not wanted and not invitation.issued_visa_letters.exists():
        return None
    return {
        "key": "visa-letter",
        "title": _("Visa support letter"),
        "template": "visas/_organizer_invitation_letter.html",
        "context": {
            **selectors.letter_section(invitation=invitation),
            "problems": services.letter_problems(invitation),
            "forum": invitation.forum,
            "invitation": invitation,
        },
    }


EXPORT_COLUMNS = ["nationality", "passport_number", "passport_expiry", "embassy_country", "visa_letter"]


@receiver(travel_export_columns, dispatch_uid="visas.travel_export_columns")
def travel_export(sender, *, invitations, **kwargs):
    """The passport as the letter step holds it (or, until the speaker fills it, as an earlier
    travel form stored it) and the current letter, for each row of the travel export."""
    found = selectors.travel_export(invitations=invitations)
    rows = {}
    for invitation in invitations:
        applicant, letter = found[invitation.pk]
        if applicant is not None:
            passport = [applicant.nationality.code, applicant.passport_number, applicant.passport_expires_on]
        else:
            passport = [invitation.nationality.code or "", invitation.passport_number, invitation.passport_expiry]
        rows[invitation.pk] = [
            *(value or "" for value in passport),
            applicant.consulate_country.code if applicant else "",
            letter.reference if letter else "",
        ]
    return EXPORT_COLUMNS, rows


@receiver(flow_steps, dispatch_uid="visas.flow_steps")
def add_letter_and_arrival_steps(sender, **kwargs):
    """The speaker's page gains the visa letter and arrival steps."""
    return flow.STEPS
