"""What the outbox asks the apps above it.

The outbox knows no domain: it does not know which kinds of message exist, what they are called, or
which of them carry a secret link. It asks, by sending these signals (sender: ``OutboxMessage``);
each app answers for the kinds it sends from its own ``receivers.py`` (connected in its
``AppConfig.ready``). A receiver answers None for a kind that is not its own.

``kind_labels``: no argument. A receiver returns ``{"kind": gettext_lazy("Name"), ...}``, the human
names of the kinds its app sends (organizer pages and the admin show them, never the codes).

``personal_link_keys``: ``kind``. The app that sends ``kind`` returns the context keys that hold a
secret link (RSVP, registration, password reset). When such a message is sent, fails or is
cancelled, the outbox replaces those values with ``REDACTED_LINK``: the raw token then exists only
in the recipient's mailbox.

``personal_links_renewed``: ``message``, one whose links were erased, sent inside the resend
transaction. The app that sends ``message.kind`` returns fresh values for its keys (a newly minted
link for the same person) or raises a ``DomainError`` to refuse.
"""

from django.dispatch import Signal

kind_labels = Signal()
personal_link_keys = Signal()
personal_links_renewed = Signal()


def answers(signal, **kwargs):
    """What the receivers of ``signal`` answered, in connection order, Nones left out."""
    from .models import OutboxMessage

    return [answer for _receiver, answer in signal.send(sender=OutboxMessage, **kwargs) if answer is not None]
