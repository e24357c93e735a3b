"""How panels react to the other apps' events (connected in ``PanelsConfig.ready``)."""

from django.dispatch import receiver

from forum.signals import forum_copied

from . import services


@receiver(forum_copied, dispatch_uid="panels.copy_drafts")
def copy_panels_with_the_edition(sender, *, source, target, delta, room_map, theme_map, **kwargs):
    services.copy_panels_to_new_edition(
        source=source, target=target, delta=delta, room_map=room_map, theme_map=theme_map
    )
