from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Attendee registration")

    def ready(self):
        # Personal links in outgoing mail are erased from the outbox once sent; a resend mints new ones.
        from notifications.kinds import register_kind_labels
        from notifications.services import register_personal_links
        from panels.agenda import register_agenda_provider

        from . import agenda, receivers, services  # noqa: F401 - receivers connect on import

        register_personal_links(
            kinds=services.LINK_KINDS, keys=services.LINK_KEYS, refresh=services.fresh_message_links
        )
        # The program's stars: panels ask whose agenda this browser holds (see registration.agenda).
        register_agenda_provider(agenda.provider, holds=agenda.holds)
        register_kind_labels(
            {
                "registration_confirm_email": _("Confirm your email address"),
                "registration_confirmed": _("Registration confirmed"),
                "registration_waitlisted": _("On the waitlist"),
                "registration_promoted": _("A seat freed up"),
                "registration_hold_expired": _("Seat hold expired"),
                "registration_cancelled": _("Registration cancelled"),
                "registration_cancelled_by_organizer": _("Registration cancelled by the organizers"),
                "registration_day_before": _("The forum starts tomorrow"),
                "registration_panel_changed": _("A chosen panel changed"),
                "registration_link": _("An attendee's personal link, sent again"),
            }
        )
