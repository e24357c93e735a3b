"""How registration reacts to the other apps' events and answers their questions (connected in
``RegistrationConfig.ready``)."""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from notifications.signals import kind_labels, personal_link_keys, personal_links_renewed
from panels.signals import agenda_may_be_held, agenda_requested, change_audience, public_panel_changed

from . import agenda, services

KIND_LABELS = {
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


# Registration depends on panels (people choose panels), not the other way round: panels announce
# changes to published panels and the attendees who chose them are told here.
@receiver(public_panel_changed, dispatch_uid="registration.panel_changed")
def tell_attendees_of_panel_change(sender, *, panel, change, before, schedule_change, **kwargs):
    services.notify_panel_change(panel=panel, change=change, before=before, schedule_change=schedule_change)


# Before a published panel moves or is cancelled, the organizer is told how many attendees will hear of it.
@receiver(change_audience, dispatch_uid="registration.change_audience")
def count_attendees_of_panel(sender, *, panel, **kwargs):
    return services.panel_change_audience(sender, panel=panel)


# The program's stars: the panels' pages ask whose agenda this browser holds (see registration.agenda).
@receiver(agenda_may_be_held, dispatch_uid="registration.agenda_may_be_held")
def browser_may_hold_agenda(sender, *, request, forum, **kwargs):
    return agenda.holds(request=request, forum=forum)


@receiver(agenda_requested, dispatch_uid="registration.agenda_requested")
def visitor_agenda(sender, *, request, forum, **kwargs):
    if not agenda.holds(request=request, forum=forum):
        return None
    return agenda.provider(request=request, forum=forum)


@receiver(kind_labels, dispatch_uid="registration.kind_labels")
def name_registration_kinds(sender, **kwargs):
    return KIND_LABELS


# Personal links in outgoing mail are erased from the outbox once sent; a resend mints new ones.
@receiver(personal_link_keys, dispatch_uid="registration.personal_link_keys")
def registration_link_keys(sender, *, kind, **kwargs):
    return services.LINK_KEYS if kind in services.LINK_KINDS else None


@receiver(personal_links_renewed, dispatch_uid="registration.personal_links_renewed")
def renew_registration_links(sender, *, message, **kwargs):
    return services.fresh_message_links(message) if message.kind in services.LINK_KINDS else None
