"""Attachment builders for outbox messages (called when the mail leaves, see notifications)."""

from speakers.models import Invitation

from . import services


def visa_letter_pdf(*, invitation_id):
    """The invitation's current letter: the valid one when nothing changed since it was issued,
    otherwise a new one that supersedes it. None (the message leaves without it) when no letter can
    be issued any more: the invitation ended, or the signatory was removed meanwhile."""
    invitation = Invitation.objects.select_related("forum", "speaker").filter(pk=invitation_id).first()
    if invitation is None or services.letter_problems(invitation):
        return None
    letter = services.issue_letter(invitation=invitation)
    with letter.pdf.open("rb") as handle:
        return f"visa-letter-{letter.reference}.pdf", handle.read(), "application/pdf"
