"""How the organizers' app answers the outbox's questions (connected in ``OrganizerConfig.ready``)."""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.jobs import JobKind, job_kinds_declared
from notifications.signals import kind_labels, personal_link_keys, personal_links_renewed

from . import documents, services

KIND_LABELS = {
    "organizer_digest": _("Organizers' daily digest"),
    services.PASSWORD_RESET_KIND: _("A link to choose a new password"),
    services.BROADCAST_KIND: _("A message to a group of people"),
}
RESET_KEYS = ("reset_url",)


@receiver(kind_labels, dispatch_uid="organizer.kind_labels")
def name_organizer_kinds(sender, **kwargs):
    return KIND_LABELS


# A password reset link is erased from the outbox once sent; a resend mints a new one.
@receiver(personal_link_keys, dispatch_uid="organizer.personal_link_keys")
def reset_link_keys(sender, *, kind, **kwargs):
    return RESET_KEYS if kind == services.PASSWORD_RESET_KIND else None


@receiver(personal_links_renewed, dispatch_uid="organizer.personal_links_renewed")
def renew_reset_link(sender, *, message, **kwargs):
    return services.fresh_password_reset_link(message) if message.kind == services.PASSWORD_RESET_KIND else None


@receiver(job_kinds_declared, dispatch_uid="organizer.job_kinds")
def declare_print_jobs(sender, **kwargs):
    """Print-ready PDFs made in the background (organizer/documents.py, core/jobs.py)."""
    return [
        JobKind(
            kind,
            label=label,
            runner=f"organizer.documents.run_{kind}_job",
            permission=permission,
            result_template="organizer/jobs/_pdf_result.html",
            nav="reports",
        )
        for kind, label, permission in (
            (documents.BADGES_JOB, _("Badges PDF"), "registration.view_registration"),
            (documents.DOOR_LIST_JOB, _("Door list PDF"), "registration.view_registration"),
            (documents.PROGRAM_JOB, _("Program PDF"), "panels.view_panel"),
        )
    ]
