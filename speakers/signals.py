"""The events speakers send; the apps above react in their own receivers.

Sent inside the service's transaction: whatever a receiver writes or queues commits or rolls back
with the change.
"""

from django.dispatch import Signal

# Sent by ``services.delete_speaker`` (sender: Speaker) just before the row goes, with ``speaker``
# (still readable), ``panel_ids`` (the panels they were on) and ``by`` (the user, or None).
speaker_deleted = Signal()
