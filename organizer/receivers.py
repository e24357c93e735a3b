"""How the organizers' app answers the outbox's questions (connected in ``OrganizerConfig.ready``)."""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from notifications.signals import kind_labels, personal_link_keys, personal_links_renewed

from . import services

KIND_LABELS = {
    "organizer_digest": _("Organizers' daily digest"),
    services.PASSWORD_RESET_KIND: _("A link to choose a new password"),
    services.BROADCAST_KIND: _("A message to a group of people"),
}
RESET_KEYS = ("reset_url",)


@receiver(kind_labels, dispatch_uid="organizer.kind_labels")
def name_organizer_kinds(sender, **kwargs):
    return KIND_LABELS


# A password reset link is erased from the outbox once sent; a resend mints a new one.
@receiver(personal_link_keys, dispatch_uid="organizer.personal_link_keys")
def reset_link_keys(sender, *, kind, **kwargs):
    return RESET_KEYS if kind == services.PASSWORD_RESET_KIND else None


@receiver(personal_links_renewed, dispatch_uid="organizer.personal_links_renewed")
def renew_reset_link(sender, *, message, **kwargs):
    return services.fresh_password_reset_link(message) if message.kind == services.PASSWORD_RESET_KIND else None
