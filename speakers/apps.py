from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpeakersConfig(AppConfig):
    name = "speakers"
    verbose_name = _("Speakers and invitations")

    def ready(self):
        # Personal links in outgoing mail are erased from the outbox once sent; a resend mints new ones.
        from core.jobs import register_job_kind
        from notifications.kinds import register_kind_labels
        from notifications.services import register_personal_links

        from . import receivers, services  # noqa: F401 - receivers connect on import

        register_personal_links(
            kinds=services.LINK_KINDS, keys=services.LINK_KEYS, refresh=services.fresh_message_links
        )
        register_kind_labels(
            {
                "speaker_invitation": _("Invitation to speak"),
                "speaker_invitation_reminder": _("Reminder of an invitation"),
                "speaker_accepted": _("A speaker accepted"),
                "speaker_declined": _("A speaker declined"),
                "speaker_schedule": _("A speaker's schedule"),
                "speaker_day_before": _("A speaker's schedule, the day before"),
                "speaker_availability_conflict": _("A speaker's availability conflicts with a panel"),
                "speaker_link": _("A speaker's personal link, sent again"),
            }
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
