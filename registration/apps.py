from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Attendee registration")

    def ready(self):
        # Personal links in outgoing mail are erased from the outbox once sent; a resend mints new ones.
        from notifications.services import register_personal_links
        from panels.agenda import register_agenda_provider
        from panels.services import register_public_change_listener

        from . import agenda, services

        register_personal_links(
            kinds=services.LINK_KINDS, keys=services.LINK_KEYS, refresh=services.fresh_message_links
        )
        # Registration depends on panels (people choose panels), not the other way round: panels
        # announce changes to published panels and the attendees who chose them are told here.
        register_public_change_listener(services.notify_panel_change)
        # The program's stars: panels ask whose agenda this browser holds (see registration.agenda).
        register_agenda_provider(agenda.provider, holds=agenda.holds)
