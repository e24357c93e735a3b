from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpeakersConfig(AppConfig):
    name = "speakers"
    verbose_name = _("Speakers and invitations")

    def ready(self):
        from core.jobs import register_job_kind

        from . import (
            receivers,  # noqa: F401 - receivers connect on import
            services,
        )

        # Large imports run in the background (core/jobs.py); the dry run stays in the request.
        register_job_kind(
            services.IMPORT_JOB,
            label=_("Speaker import"),
            runner="speakers.services.imports.run_import_job",
            permission="speakers.change_invitation",
            result_template="speakers/organizer/import_job_result.html",
            nav="invitations",
        )
