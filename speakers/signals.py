"""The events speakers send; the apps above react in their own receivers.

Sent inside the service's transaction: whatever a receiver writes or queues commits or rolls back
with the change.
"""

from django.dispatch import Signal

# Sent by ``services.delete_speaker`` (sender: Speaker) just before the row goes, with ``speaker``
# (still readable), ``panel_ids`` (the panels they were on) and ``by`` (the user, or None).
speaker_deleted = Signal()

# Sent (sender: Invitation) while the speaker's schedule message is queued, with ``invitation``.
# Each receiver returns a list of attachment descriptors for the outbox (``{"builder": "app.module.
# function", "kwargs": {...}}``, built when the mail leaves) or an empty list. The visa letter rides
# along this way (visas/receivers.py).
schedule_attachments = Signal()

# Sent (sender: Invitation) by the organizers' page of one invitation, with ``invitation`` and
# ``request``. Each receiver returns a section to show — {"key", "title", "template", "context"} —
# or None. The visa letter's section comes this way.
organizer_invitation_sections = Signal()

# Sent (sender: Invitation) by the organizers' travel export, with ``invitations`` (the rows, in
# order). Each receiver returns (column names, {invitation id: [values]}) to append to every row;
# a row it does not name gets empty cells. The passport and letter columns come this way.
travel_export_columns = Signal()

# Sent (sender: Invitation) when the speaker's page lists its steps, with no argument. Each receiver
# returns the ``flow.StepProvider`` objects of the steps its app adds (the visa letter and the
# arrival information come from visas).
flow_steps = Signal()
