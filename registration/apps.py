from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Attendee registration")

    def ready(self):
        # Personal links in outgoing mail are erased from the outbox once sent; a resend mints new ones.
        from notifications.services import register_personal_links

        from . import receivers, services  # noqa: F401 - receivers connect on import

        register_personal_links(
            kinds=services.LINK_KINDS, keys=services.LINK_KEYS, refresh=services.fresh_message_links
        )
