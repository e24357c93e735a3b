from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpeakersConfig(AppConfig):
    name = "speakers"
    verbose_name = _("Speakers and invitations")

    def ready(self):
        from . import receivers  # noqa: F401 - receivers connect on import
