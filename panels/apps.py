from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = _("Panels and program")

    def ready(self):
        from forum.services import register_copy_hook
        from notifications.kinds import register_kind_labels

        from . import signals  # noqa: F401 - connects the receivers
        from .services import copy_panels_to_new_edition

        register_copy_hook(copy_panels_to_new_edition)
        register_kind_labels(
            {"schedule_changed": _("A session moved or was cancelled"), "session_published": _("A session's time")}
        )
