"""The speakers' own visa letter numbering and production."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import crypto

from ..errors import SpeakerError
from ..models import (
    Invitation,
    LetterSequence,
    VisaLetter,
    VisaLetterLog,
)
from ._common import State, _now


def visa_letter_problems(invitation):
    """What is missing before a visa letter can be produced ([] when it can)."""
    problems = []
    if invitation.state != State.ACCEPTED:
        problems.append(_("The invitation is not accepted."))
    if not invitation.needs_visa_letter:
        problems.append(_("No visa support letter was requested."))
    if not invitation.passport_number or not invitation.passport_expiry:
        problems.append(_("Passport details are missing."))
    if not invitation.nationality:
        problems.append(_("Nationality is missing."))
    return problems


def _letter_fingerprint(invitation, signer):
    parts = [
        invitation.speaker.latin_name, invitation.nationality.code, invitation.passport_number,
        str(invitation.passport_expiry), str(invitation.arrival_date), str(invitation.departure_date), signer,
    ]  # fmt: skip
    # Keyed: a bare hash of these details could be reversed by guessing the passport number.
    return crypto.fingerprint(*parts, purpose="visa-letter")


def _next_letter_number(year):
    sequence, _created = LetterSequence.objects.select_for_update().get_or_create(year=year)
    # get_or_create may have raced: re-read under the lock.
    sequence = LetterSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


@transaction.atomic
def produce_visa_letter(*, invitation, channel, by=None, now=None):
    """Render the visa support letter PDF and log who produced it. The same details keep the same
    reference number; changed details get a new one. Returns (letter, pdf_bytes)."""
    from ..letters import render_visa_letter

    now = _now(now)
    invitation = Invitation.objects.select_related("forum", "speaker").get(pk=invitation.pk)
    problems = visa_letter_problems(invitation)
    if problems:
        raise SpeakerError(" ".join(problems), code="letter_unavailable", status=409)
    signer = settings.VISA_LETTER_SIGNER
    fingerprint = _letter_fingerprint(invitation, signer)
    letter = invitation.visa_letters.filter(fingerprint=fingerprint).first()
    if letter is None:
        year = timezone.localtime(now, invitation.forum.tz).year
        number = _next_letter_number(year)
        letter = VisaLetter.objects.create(
            invitation=invitation,
            year=year,
            number=number,
            reference=f"{settings.VISA_LETTER_PREFIX}-{year}-{number:04d}",
            fingerprint=fingerprint,
            signer_name=signer,
        )
    VisaLetterLog.objects.create(letter=letter, channel=channel, produced_by=by)
    return letter, render_visa_letter(letter=letter, invitation=invitation, issued_on=letter.created_at)
