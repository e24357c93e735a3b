"""Writes and rules for visa support letters: applicant data, cost coverage, issuing, superseding
and revoking letters. Views, admin and receivers call these functions and nothing else writes."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import crypto
from speakers.models import Invitation, LetterSequence

from . import rules, selectors
from .errors import VisaError
from .models import CostCoverage, InvitingOrganization, Payer, Signatory, VisaApplicant, VisaLetter

APPLICANT_FIELDS = [
    "surname", "given_names", "birth_date", "birth_place", "sex", "nationality", "passport_number",
    "passport_issued_on", "passport_expires_on", "passport_authority", "arrival_date", "departure_date",
    "consulate_country", "consulate_city",
]  # fmt: skip
# An invitation in one of these states has no use for a letter: its letters are revoked.
ENDED_STATES = {Invitation.State.DECLINED, Invitation.State.WITHDRAWN, Invitation.State.EXPIRED}
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def _now(now=None):
    return now or timezone.now()


def _full_clean(instance, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
        raise VisaError(_("Please correct the marked fields."), code="invalid", fields=fields) from exc


# --- organization and signatories ---------------------------------------------------------------


@transaction.atomic
def save_organization(*, forum, **fields):
    organization = InvitingOrganization.objects.filter(forum=forum).first() or InvitingOrganization(forum=forum)
    for name, value in fields.items():
        setattr(organization, name, value.strip() if isinstance(value, str) else value)
    _full_clean(organization)
    organization.save()
    return organization


@transaction.atomic
def add_signatory(*, organization, name, title_az, title_en, signature, stamp, position=0):
    signatory = Signatory(
        organization=organization,
        name=name.strip(),
        title_az=title_az.strip(),
        title_en=title_en.strip(),
        position=position,
    )
    signatory.signature.save(signature.name, signature, save=False)
    signatory.stamp.save(stamp.name, stamp, save=False)
    _full_clean(signatory)
    signatory.save()
    return signatory


# --- cost coverage ------------------------------------------------------------------------------


@transaction.atomic
def set_cost_coverage(*, invitation, travel, accommodation, meals):
    for value in (travel, accommodation, meals):
        if value not in Payer.values:
            raise VisaError(_("Choose who pays: the organizers or the speaker."), code="invalid_payer")
    coverage, _created = CostCoverage.objects.update_or_create(
        invitation=invitation, defaults={"travel": travel, "accommodation": accommodation, "meals": meals}
    )
    return coverage


# --- applicant ----------------------------------------------------------------------------------


def _locked_invitation(invitation):
    return Invitation.objects.select_for_update().select_related("forum", "speaker").get(pk=invitation.pk)


@transaction.atomic
def save_applicant(*, invitation, now=None, **data):
    """Store the passport data a letter needs, checked as a consulate would check it."""
    now = _now(now)
    invitation = _locked_invitation(invitation)
    if invitation.state != Invitation.State.ACCEPTED:
        raise VisaError(_("Accept the invitation before asking for a visa letter."), code="not_accepted", status=409)
    unknown = set(data) - set(APPLICANT_FIELDS)
    if unknown:
        raise VisaError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    forum = invitation.forum
    errors = rules.applicant_errors(data, forum=forum, today=timezone.localdate(now, forum.tz))
    if errors:
        raise VisaError(_("Please correct the marked fields."), code="invalid", fields=errors)
    applicant = VisaApplicant.objects.filter(invitation=invitation).first() or VisaApplicant(invitation=invitation)
    for name in APPLICANT_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            value = " ".join(value.split())
        setattr(applicant, name, value if value is not None else "")
    applicant.passport_number = rules.normalize_passport_number(applicant.passport_number)
    _full_clean(applicant, exclude=["invitation"])
    applicant.save()
    return applicant


# --- letters ------------------------------------------------------------------------------------


def letter_problems(invitation):
    """What stops a letter from being issued for ``invitation`` ([] when nothing does)."""
    problems = []
    if invitation.state != Invitation.State.ACCEPTED:
        problems.append(_("The invitation is not accepted."))
    if not VisaApplicant.objects.filter(invitation=invitation).exists():
        problems.append(_("The applicant's passport data is missing."))
    organization = InvitingOrganization.objects.filter(forum_id=invitation.forum_id).first()
    if organization is None:
        problems.append(_("The inviting organization is not set up for this forum."))
    elif selectors.signing_signatory(organization) is None:
        problems.append(_("No signatory with a signature and a stamp is set up."))
    return problems


def _fingerprint(invitation, applicant, coverage, signatory, organization):
    parts = [str(getattr(applicant, name)) for name in APPLICANT_FIELDS]
    parts += [coverage.travel, coverage.accommodation, coverage.meals, str(signatory.pk), str(organization.updated_at)]
    return crypto.fingerprint(str(invitation.pk), *parts, purpose="visa-letter-v2")


def _next_number(year):
    LetterSequence.objects.get_or_create(year=year)
    sequence = LetterSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _new_code():
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not VisaLetter.objects.filter(code=code).exists():
            return code


@transaction.atomic
def issue_letter(*, invitation, by=None, now=None):
    """The current letter for the invitation's data: the valid one when nothing changed, otherwise
    a new letter that supersedes the one before. The PDF is rendered once and kept."""
    from .letter import render_letter

    now = _now(now)
    invitation = _locked_invitation(invitation)
    problems = letter_problems(invitation)
    if problems:
        raise VisaError(" ".join(problems), code="letter_unavailable", status=409)
    applicant = invitation.visa_applicant
    organization = invitation.forum.inviting_organization
    signatory = selectors.signing_signatory(organization)
    coverage = selectors.coverage_for(invitation)
    fingerprint = _fingerprint(invitation, applicant, coverage, signatory, organization)
    current = selectors.valid_letter(invitation)
    if current is not None and current.fingerprint == fingerprint:
        return current
    year = timezone.localtime(now, invitation.forum.tz).year
    number = _next_number(year)
    letter = VisaLetter.objects.create(
        invitation=invitation,
        reference=f"{settings.VISA_LETTER_PREFIX}-{year}-{number:04d}",
        code=_new_code(),
        fingerprint=fingerprint,
        issued_at=now,
        issued_by=by,
        signatory=signatory,
        signatory_name=signatory.name,
        applicant_initials=applicant.initials,
        passport_tail=applicant.passport_number[-3:],
        arrival_date=applicant.arrival_date,
        departure_date=applicant.departure_date,
        consulate_country=applicant.consulate_country,
    )
    pdf = render_letter(letter=letter, invitation=invitation, applicant=applicant, coverage=coverage)
    letter.pdf.save(f"{letter.reference}.pdf", ContentFile(pdf), save=True)
    if current is not None:
        VisaLetter.objects.filter(invitation=invitation, superseded_by__isnull=True, revoked_at__isnull=True).exclude(
            pk=letter.pk
        ).update(superseded_by=letter)
    return letter


@transaction.atomic
def revoke_letter(*, letter, reason, now=None):
    """Organizers withdraw a letter by hand; the verification page says so from then on."""
    reason = (reason or "").strip()
    if not reason:
        raise VisaError(_("Give a reason for revoking the letter."), code="reason_required", fields={"reason": [
            _("This field is required.")]})  # fmt: skip
    letter = VisaLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.revoked_at:
        raise VisaError(_("This letter is already revoked."), code="already_revoked", status=409)
    letter.revoked_at = _now(now)
    letter.revoked_reason = reason[:300]
    letter.save(update_fields=["revoked_at", "revoked_reason"])
    return letter


def revoke_invitation_letters(*, invitation, reason, now=None):
    """Revoke every letter of the invitation that is not revoked yet (the invitation ended)."""
    return VisaLetter.objects.filter(invitation_id=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=_now(now), revoked_reason=reason[:300]
    )
