"""Human names of the outbox's message kinds, in the reader's language.

The outbox knows no domain: each app names the kinds it sends by answering the signal
``notifications.signals.kind_labels`` in its ``receivers.py``; organizer pages and the admin show
those names, never the codes.
"""

from .signals import answers, kind_labels


def _labels():
    labels = {}
    for answer in answers(kind_labels):
        labels.update(answer)
    return labels


def registered_kinds():
    """Every kind of message the apps send, sorted (each app names its own)."""
    return sorted(_labels())


def kind_label(kind):
    return _labels().get(kind, kind)


def kind_choices(kinds):
    labels = _labels()
    return [(kind, labels.get(kind, kind)) for kind in kinds]
