from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Attendee registration")

    def ready(self):
        from . import receivers  # noqa: F401 - receivers connect on import
