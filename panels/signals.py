"""The events panels send, and deletions that move the program's version stamp.

``public_panel_changed`` (sender: Panel) is sent by the scheduling services inside their
transaction when a panel the public already saw is moved (``change="moved"``), taken out of the
schedule (``"unscheduled"``) or cancelled (``"cancelled"``), after the panel is saved and the change
logged. Arguments: ``panel``, ``change``, ``before`` (what the public saw: ``{"when": text, "room":
Room or None}``) and ``schedule_change`` (the ScheduleChange row). The apps above react in their own
receivers (speakers tell the panel's speakers, registration the attendees who chose it); whatever
they queue commits or rolls back with the change.

Deletions move the program's version stamp.

``selectors.schedule_stamp`` is the latest ``updated_at`` of what the program shows, so an edit
moves it, but a deleted row takes its stamp away with it: deleting a panel, a program item, a speaker's place on a
panel (also when the speaker is deleted), a room or a theme would leave the stamp where it was and
the cached program and the ETags stale. These happen in the admin, outside the services, so they
are caught here: each touches the forum it belonged to. (Deleting a whole forum touches nothing
that outlives it.)
"""

from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver
from django.utils import timezone

from forum.models import Forum, Room, Theme

from .models import Panel, Participation, ProgramItem

public_panel_changed = Signal()
# Sent (sender: Panel) inside the publishing transaction each time a panel is published: on its
# first publication and again after an unscheduling. Argument: ``panel``. Speakers tell its
# speakers their time.
panel_published = Signal()


def touch_forum(**lookup):
    Forum.objects.filter(**lookup).update(updated_at=timezone.now())


@receiver(post_delete, sender=Panel, dispatch_uid="panels.program_stamp.panel")
@receiver(post_delete, sender=ProgramItem, dispatch_uid="panels.program_stamp.program_item")
@receiver(post_delete, sender=Room, dispatch_uid="panels.program_stamp.room")
@receiver(post_delete, sender=Theme, dispatch_uid="panels.program_stamp.theme")
def _forum_part_deleted(sender, instance, **kwargs):
    touch_forum(pk=instance.forum_id)


@receiver(post_delete, sender=Participation, dispatch_uid="panels.program_stamp.participation")
def _participation_deleted(sender, instance, **kwargs):
    touch_forum(panels__pk=instance.panel_id)


# Sent (``sender=Panel, panel=...``) to learn who would hear about a change to a published panel
# before it is made; a receiver answers {"attendees": n} (registration) or any other count.
change_audience = Signal()

# A visitor's personal agenda on the program and panel pages (see ``panels.agenda``). Both are sent
# (sender: Panel) with ``request`` and ``forum``.
# ``agenda_may_be_held``: a receiver answers True when this browser may hold an agenda for the
# forum, without a query of its own (the pages then skip their shared cache and conditional answers).
agenda_may_be_held = Signal()
# ``agenda_requested``: a receiver answers the visitor's agenda as ``(starred panel ids, toggle_url,
# manage_url)``, or None.
agenda_requested = Signal()
