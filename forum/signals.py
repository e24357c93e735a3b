"""Events of the editions domain that the apps above react to in their own receivers.

Sent inside the service's transaction: whatever a receiver writes or queues commits or rolls back
with the change. Receivers connect in their app's ``AppConfig.ready``.
"""

from django.dispatch import Signal

# Sent by ``forum.services.copy_forum`` (sender: Forum) once next year's edition, its rooms and its
# themes exist, with ``source``, ``target``, ``delta`` (the date offset) and ``room_map`` /
# ``theme_map`` ({old id: new object}). Panels copy their drafts here.
forum_copied = Signal()
