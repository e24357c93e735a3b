"""How registration reacts to the other apps' events (connected in ``RegistrationConfig.ready``)."""

from django.dispatch import receiver

from panels.signals import change_audience, public_panel_changed

from . import services


# Registration depends on panels (people choose panels), not the other way round: panels announce
# changes to published panels and the attendees who chose them are told here.
@receiver(public_panel_changed, dispatch_uid="registration.panel_changed")
def tell_attendees_of_panel_change(sender, *, panel, change, before, schedule_change, **kwargs):
    services.notify_panel_change(panel=panel, change=change, before=before, schedule_change=schedule_change)


# Before a published panel moves or is cancelled, the organizer is told how many attendees will hear of it.
@receiver(change_audience, dispatch_uid="registration.change_audience")
def count_attendees_of_panel(sender, *, panel, **kwargs):
    return services.panel_change_audience(sender, panel=panel)
