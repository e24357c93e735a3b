"""How speakers react to the other apps' events (connected in ``SpeakersConfig.ready``)."""

from django.dispatch import receiver

from panels.signals import panel_published, public_panel_changed

from . import services


@receiver(public_panel_changed, dispatch_uid="speakers.schedule_changed")
def tell_speakers_of_schedule_change(sender, *, panel, change, before, **kwargs):
    services.notify_schedule_change(panel=panel, change=change, before=before)


@receiver(panel_published, dispatch_uid="speakers.session_published")
def tell_speakers_their_time(sender, *, panel, **kwargs):
    services.notify_schedule_change(panel=panel, change="published", before={})
