from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizerConfig(AppConfig):
    """The organizers' pages and reports that combine several domains (overview, daily digest).
    It sits on top: it may import every domain app, none of them imports it."""

    name = "organizer"
    label = "organizer"
    verbose_name = _("Organizers")

    def ready(self):
        from . import receivers  # noqa: F401 - receivers connect on import
