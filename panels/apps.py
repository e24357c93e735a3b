from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = _("Panels and program")

    def ready(self):
        from notifications.kinds import register_kind_labels

        from . import receivers, signals  # noqa: F401 - connects the receivers

        register_kind_labels(
            {"schedule_changed": _("A session moved or was cancelled"), "session_published": _("A session's time")}
        )
