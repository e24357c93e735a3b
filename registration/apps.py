from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Attendee registration")

    def ready(self):
        # Personal links in outgoing mail are erased from the outbox once sent; a resend mints new ones.
        from notifications.services import register_personal_links
        from panels.services import register_public_change_listener
        from panels.signals import change_audience

        from . import services

        register_personal_links(
            kinds=services.LINK_KINDS, keys=services.LINK_KEYS, refresh=services.fresh_message_links
        )
        # Registration depends on panels (people choose panels), not the other way round: panels
        # announce changes to published panels and the attendees who chose them are told here.
        register_public_change_listener(services.notify_panel_change)
        # Before a published panel moves, the organizer is told how many attendees will hear of it.
        change_audience.connect(services.panel_change_audience, dispatch_uid="registration.change_audience")
