from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizerConfig(AppConfig):
    """The organizers' pages and reports that combine several domains (overview, daily digest).
    It sits on top: it may import every domain app, none of them imports it."""

    name = "organizer"
    label = "organizer"
    verbose_name = _("Organizers")

    def ready(self):
        from core.jobs import register_job_kind

        from . import (
            documents,
            receivers,  # noqa: F401 - receivers connect on import
        )

        # Print-ready PDFs made in the background (organizer/documents.py, core/jobs.py).
        for kind, label, permission, nav in (
            (documents.BADGES_JOB, _("Badges PDF"), "registration.view_registration", "reports"),
            (documents.DOOR_LIST_JOB, _("Door list PDF"), "registration.view_registration", "reports"),
            (documents.PROGRAM_JOB, _("Program PDF"), "panels.view_panel", "reports"),
        ):
            register_job_kind(
                kind,
                label=label,
                runner=f"organizer.documents.run_{kind}_job",
                permission=permission,
                result_template="organizer/jobs/_pdf_result.html",
                nav=nav,
            )
