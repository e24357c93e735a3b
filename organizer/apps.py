from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizerConfig(AppConfig):
    """The organizers' pages and reports that combine several domains (overview, daily digest).
    It sits on top: it may import every domain app, none of them imports it."""

    name = "organizer"
    label = "organizer"
    verbose_name = _("Organizers")

    def ready(self):
        from notifications.kinds import register_kind_labels
        from notifications.services import register_personal_links

        from . import services

        # A password reset link is erased from the outbox once sent; a resend mints a new one.
        register_personal_links(
            kinds=[services.PASSWORD_RESET_KIND], keys=["reset_url"], refresh=services.fresh_password_reset_link
        )
        register_kind_labels(
            {
                "organizer_digest": _("Organizers' daily digest"),
                services.PASSWORD_RESET_KIND: _("A link to choose a new password"),
                services.BROADCAST_KIND: _("A message to a group of people"),
            }
        )
