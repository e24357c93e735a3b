from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisasConfig(AppConfig):
    name = "visas"
    verbose_name = _("Visa support letters")

    def ready(self):
        # Letters follow the invitation (declined or withdrawn revokes them) and the speaker's page
        # gains the letter and arrival steps: both answered in visas/receivers.py.
        from . import receivers  # noqa: F401
