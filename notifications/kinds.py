"""Human names of the outbox's message kinds, in the reader's language.

The outbox knows no domain: each app names the kinds it sends (``register_kind_labels`` in its
``AppConfig.ready``), and organizer pages and the admin show those names, never the codes.
"""

_labels = {}


def register_kind_labels(labels):
    """``{"kind": gettext_lazy("Name"), ...}``: the app's message kinds."""
    _labels.update(labels)


def registered_kinds():
    """Every kind of message the apps send, sorted (each app registers its own)."""
    return sorted(_labels)


def kind_label(kind):
    return _labels.get(kind, kind)


def kind_choices(kinds):
    return [(kind, kind_label(kind)) for kind in kinds]
