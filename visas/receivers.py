"""Letters follow their invitation: once it is declined, withdrawn or expired, every letter it
carries is revoked in the same transaction as the change (post_save runs inside it)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from speakers.models import Invitation

from . import services

REASONS = {
    Invitation.State.DECLINED: "The speaker declined the invitation.",
    Invitation.State.WITHDRAWN: "The organizers withdrew the invitation.",
    Invitation.State.EXPIRED: "The invitation expired.",
}


@receiver(post_save, sender=Invitation, dispatch_uid="visas.revoke_on_invitation_end")
def revoke_letters_when_invitation_ends(sender, instance, created, update_fields=None, **kwargs):
    if created or instance.state not in services.ENDED_STATES:
        return
    if update_fields is not None and "state" not in update_fields:
        return
    services.revoke_invitation_letters(invitation=instance, reason=REASONS[instance.state])
