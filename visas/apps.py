from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisasConfig(AppConfig):
    name = "visas"
    verbose_name = _("Visa support letters")

    def ready(self):
        # Letters follow the invitation: declined or withdrawn revokes them (visas/receivers.py),
        # and the speaker's page shows the letter step (speakers/flow.py keeps the registry).
        from . import flow, receivers  # noqa: F401

        flow.register()
