from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = _("Panels and program")

    def ready(self):
        from . import receivers, signals  # noqa: F401 - connects the receivers
