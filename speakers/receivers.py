"""How speakers react to the other apps' events and answer the outbox's questions (connected in
``SpeakersConfig.ready``)."""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.jobs import JobKind, job_kinds_declared
from notifications.signals import kind_labels, personal_link_keys, personal_links_renewed
from panels.signals import panel_published, public_panel_changed

from . import services

KIND_LABELS = {
    "speaker_invitation": _("Invitation to speak"),
    "speaker_invitation_reminder": _("Reminder of an invitation"),
    "speaker_accepted": _("A speaker accepted"),
    "speaker_declined": _("A speaker declined"),
    "speaker_schedule": _("A speaker's schedule"),
    "speaker_day_before": _("A speaker's schedule, the day before"),
    "speaker_availability_conflict": _("A speaker's availability conflicts with a panel"),
    "speaker_link": _("A speaker's personal link, sent again"),
    "schedule_changed": _("A session moved or was cancelled"),
    "session_published": _("A session's time"),
}


@receiver(public_panel_changed, dispatch_uid="speakers.schedule_changed")
def tell_speakers_of_schedule_change(sender, *, panel, change, before, **kwargs):
    services.notify_schedule_change(panel=panel, change=change, before=before)


@receiver(panel_published, dispatch_uid="speakers.session_published")
def tell_speakers_their_time(sender, *, panel, **kwargs):
    services.notify_schedule_change(panel=panel, change="published", before={})


@receiver(kind_labels, dispatch_uid="speakers.kind_labels")
def name_speaker_kinds(sender, **kwargs):
    return KIND_LABELS


# The RSVP link in an invitation is erased from the outbox once sent; a resend mints a new one.
@receiver(personal_link_keys, dispatch_uid="speakers.personal_link_keys")
def speaker_link_keys(sender, *, kind, **kwargs):
    return services.LINK_KEYS if kind in services.LINK_KINDS else None


@receiver(personal_links_renewed, dispatch_uid="speakers.personal_links_renewed")
def renew_speaker_links(sender, *, message, **kwargs):
    return services.fresh_message_links(message) if message.kind in services.LINK_KINDS else None


@receiver(job_kinds_declared, dispatch_uid="speakers.job_kinds")
def declare_import_job(sender, **kwargs):
    """Large imports run in the background (core/jobs.py); the dry run stays in the request."""
    return [
        JobKind(
            services.IMPORT_JOB,
            label=_("Speaker import"),
            runner="speakers.services.imports.run_import_job",
            permission="speakers.change_invitation",
            result_template="speakers/organizer/import_job_result.html",
            nav="invitations",
        )
    ]
