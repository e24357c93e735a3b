"""Writes and rules for visa support letters: applicant data, cost coverage, issuing, superseding
and revoking letters. Views, admin and receivers call these functions and nothing else writes."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads
from forum import crypto
from speakers.models import Invitation

from . import rules, selectors
from .errors import VisaError
from .models import (
    ArrivalInfo,
    CostCoverage,
    InvitingOrganization,
    LetterSequence,
    Payer,
    Signatory,
    VisaApplicant,
    VisaLetter,
)

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


ORGANIZATION_FIELDS = {
    "legal_name_az", "legal_name_en", "registration_number", "legal_address_az", "legal_address_en", "phone",
    "email", "website", "contact_name", "contact_phone", "contact_email",
}  # fmt: skip
SIGNATORY_FIELDS = {"name", "title_az", "title_en", "signature", "stamp", "is_active", "position"}
ARRIVAL_TRANSLATED_FIELDS = {"venue_address", "hotel_name", "hotel_address", "arrival_instructions"}
ARRIVAL_FIELDS = ARRIVAL_TRANSLATED_FIELDS | {"hotel_phone", "contact_phone"}


def _refuse_unknown(fields, known):
    unknown = set(fields) - set(known)
    if unknown:
        raise VisaError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="unknown_field",
            fields={name: [_("Unknown field.")] for name in sorted(unknown)},
        )


@transaction.atomic
def save_organization(*, forum, **fields):
    """Create or change the edition's inviting organization. A letter issued after a change is a
    new one (the old one shows as replaced once a letter is issued again)."""
    _refuse_unknown(fields, ORGANIZATION_FIELDS)
    organization = InvitingOrganization.objects.select_for_update().filter(forum=forum).first() or InvitingOrganization(
        forum=forum
    )
    for name, value in fields.items():
        setattr(organization, name, value.strip() if isinstance(value, str) else ("" if value is None else value))
    _full_clean(organization)
    organization.save()
    return organization


def _clean_mark(field, upload):
    """A signature or stamp through the project's upload rule (core.uploads): checked, re-encoded
    as PNG, given a random name."""
    try:
        return uploads.clean_mark(upload)
    except ValidationError as exc:
        raise VisaError(exc.messages[0], code="invalid_image", fields={field: exc.messages}) from exc


def _store_marks(signatory, *, signature=None, stamp=None):
    # Both checked before either is written, so a refused stamp leaves no stray signature file.
    uploads_given = {"signature": signature, "stamp": stamp}
    cleaned = {name: _clean_mark(name, upload) for name, upload in uploads_given.items() if upload}
    for name, upload in cleaned.items():
        old = getattr(signatory, name)
        old_name = old.name if old else ""
        getattr(signatory, name).save(upload.name, upload, save=False)
        if old_name:
            # Issued letters carry their own copy (rendered into the PDF): the replaced file goes.
            transaction.on_commit(lambda storage=old.storage, path=old_name: storage.delete(path))


@transaction.atomic
def add_signatory(*, organization, name, title_az, title_en, signature, stamp, is_active=True, position=0):
    missing = {field: [_("This field is required.")] for field, upload in (("signature", signature),
                                                                           ("stamp", stamp)) if not upload}  # fmt: skip
    if missing:
        raise VisaError(_("Upload both the signature and the stamp."), code="invalid", fields=missing)
    signatory = Signatory(
        organization=organization,
        name=(name or "").strip(),
        title_az=(title_az or "").strip(),
        title_en=(title_en or "").strip(),
        is_active=bool(is_active),
        position=position or 0,
    )
    _full_clean(signatory, exclude=["signature", "stamp"])
    _store_marks(signatory, signature=signature, stamp=stamp)
    signatory.save()
    return signatory


@transaction.atomic
def update_signatory(*, signatory, **fields):
    """Change a signatory; a new signature or stamp replaces the old one, none keeps it."""
    _refuse_unknown(fields, SIGNATORY_FIELDS)
    signatory = Signatory.objects.select_for_update().get(pk=signatory.pk)
    for name in ("name", "title_az", "title_en"):
        if name in fields:
            setattr(signatory, name, (fields[name] or "").strip())
    if "is_active" in fields:
        signatory.is_active = bool(fields["is_active"])
    if "position" in fields:
        signatory.position = fields["position"] or 0
    _full_clean(signatory, exclude=["signature", "stamp"])
    _store_marks(signatory, signature=fields.get("signature"), stamp=fields.get("stamp"))
    signatory.save()
    return signatory


@transaction.atomic
def remove_signatory(*, signatory):
    """Letters already issued keep the name they were signed with (``VisaLetter.signatory_name``)
    and their PDF; the images go with the signatory."""
    signatory = Signatory.objects.select_for_update().get(pk=signatory.pk)
    files = [(field.storage, field.name) for field in (signatory.signature, signatory.stamp) if field]
    signatory.delete()
    for storage, path in files:
        transaction.on_commit(lambda storage=storage, path=path: storage.delete(path))


# --- arrival information ------------------------------------------------------------------------


def _translated(field, values):
    """{"az": ..., "en": ...} (or a plain text, meaning Azerbaijani) as modeltranslation's fields."""
    if values is None:
        values = {}
    if isinstance(values, str):
        values = {settings.LANGUAGE_CODE: values}
    unknown = set(values) - set(settings.LANGUAGE_CODES)
    if unknown:
        raise VisaError(
            _("Unknown language: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            code="unknown_language",
            fields={field: [_("Use the language codes az, en, ru and tr.")]},
        )
    return {f"{field}_{code}": (text or "").strip() for code, text in values.items()}


@transaction.atomic
def save_arrival_info(*, forum, **fields):
    """What accepted speakers read under "Arrival information". Translated texts are given as
    {language: text}; a language left empty shows the Azerbaijani text."""
    _refuse_unknown(fields, ARRIVAL_FIELDS)
    info = ArrivalInfo.objects.select_for_update().filter(forum=forum).first() or ArrivalInfo(forum=forum)
    for name, value in fields.items():
        if name in ARRIVAL_TRANSLATED_FIELDS:
            for attr, text in _translated(name, value).items():
                setattr(info, attr, text)
        else:
            setattr(info, name, (value or "").strip())
    _full_clean(info)
    info.save()
    return info


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


@transaction.atomic
def submit_applicant(*, invitation, now=None, **data):
    """The speaker saves the letter step (page or API): the data is stored, and the letter is issued
    at once when the organizers' side is set up; otherwise the step says it waits for them and the
    letters desk lists the request. Returns (applicant, letter or None)."""
    applicant = save_applicant(invitation=invitation, now=now, **data)
    letter = None if letter_problems(applicant.invitation) else issue_letter(invitation=invitation, now=now)
    return applicant, letter


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
    # The sequence the English letters used too (the same table): references never repeat.
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
