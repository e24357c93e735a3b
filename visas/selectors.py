"""Reads for visa letters that pages, the PDF and the desk share."""

import re

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from speakers.models import Invitation

from .models import CostCoverage, Signatory, VisaApplicant, VisaLetter

CODE_RE = re.compile(r"^[A-Z2-9]{10}$")


def signing_signatory(organization):
    """The first active signatory with both a signature and a stamp, or None."""
    if organization is None:
        return None
    return (
        Signatory.objects.filter(organization=organization, is_active=True)
        .exclude(signature="")
        .exclude(stamp="")
        .order_by("position", "pk")
        .first()
    )


def coverage_for(invitation):
    """The invitation's cost coverage; unsaved defaults (the speaker pays) when organizers set none."""
    return CostCoverage.objects.filter(invitation=invitation).first() or CostCoverage(invitation=invitation)


def applicant_for(invitation):
    return VisaApplicant.objects.filter(invitation=invitation).first()


def valid_letter(invitation):
    return (
        VisaLetter.objects.filter(invitation=invitation, revoked_at__isnull=True, superseded_by__isnull=True)
        .order_by("-issued_at", "-pk")
        .first()
    )


def letter_for_code(code):
    """The letter a verification URL names, or None for anything unknown or malformed."""
    code = (code or "").upper()
    if not CODE_RE.match(code):
        return None
    return VisaLetter.objects.select_related("invitation__forum").filter(code=code).first()


def letters_desk(*, forum, status=None, consulate_country=None):
    """Accepted invitations that asked for a letter or have one, with their letters, for the desk.

    A fixed number of queries however many rows: applicant, coverage and letters are joined or
    prefetched.
    """
    invitations = (
        Invitation.objects.filter(forum=forum)
        .filter(visa_applicant__isnull=False)
        .select_related("speaker", "visa_applicant", "cost_coverage")
        .prefetch_related(
            Prefetch(
                "issued_visa_letters", queryset=VisaLetter.objects.order_by("-issued_at", "-pk"), to_attr="letters"
            )
        )
        .order_by("speaker__last_name", "speaker__first_name", "pk")
    )
    if consulate_country:
        invitations = invitations.filter(visa_applicant__consulate_country=consulate_country)
    rows = []
    for invitation in invitations:
        current = next((letter for letter in invitation.letters if letter.status == "valid"), None)
        row_status = "valid" if current else ("revoked" if invitation.letters else "requested")
        if invitation.state != Invitation.State.ACCEPTED and not current:
            row_status = "revoked" if invitation.letters else "ended"
        if status and status != row_status:
            continue
        # hasattr: a missing one-to-one row raises an AttributeError subclass.
        coverage_set = hasattr(invitation, "cost_coverage")
        rows.append({"invitation": invitation, "current": current, "status": row_status, "coverage_set": coverage_set})
    return rows


def valid_letters(*, forum, consulate_country=None):
    """Valid letters of accepted invitations (what an embassy's list holds), oldest reference first."""
    letters = VisaLetter.objects.filter(
        invitation__forum=forum,
        invitation__state=Invitation.State.ACCEPTED,
        revoked_at__isnull=True,
        superseded_by__isnull=True,
    ).order_by("reference")
    if consulate_country:
        letters = letters.filter(consulate_country=consulate_country)
    return list(letters)


def consulate_countries(*, forum):
    """Countries named by applicants of this forum, for the desk's embassy filter."""
    codes = (
        VisaApplicant.objects.filter(invitation__forum=forum)
        .values_list("consulate_country", flat=True)
        .distinct()
        .order_by("consulate_country")
    )
    from django_countries import countries

    return [(code, countries.name(code)) for code in codes]


def letter_counts(*, forum):
    """For the organizers' overview (one query): ``visa_letters``, the accepted invitations of
    ``forum`` that hold a valid letter."""
    valid = VisaLetter.objects.filter(invitation=OuterRef("pk"), revoked_at__isnull=True, superseded_by__isnull=True)
    return Invitation.objects.filter(forum=forum, state=Invitation.State.ACCEPTED).aggregate(
        visa_letters=Count("pk", filter=Q(Exists(valid)))
    )


def travel_export(*, invitations):
    """{invitation id: (applicant or None, valid letter or None)} for the travel export: two
    queries however many rows."""
    ids = [invitation.pk for invitation in invitations]
    applicants = {
        applicant.invitation_id: applicant for applicant in VisaApplicant.objects.filter(invitation_id__in=ids)
    }
    letters = {}
    for letter in VisaLetter.objects.filter(
        invitation_id__in=ids, revoked_at__isnull=True, superseded_by__isnull=True
    ).order_by("issued_at", "pk"):
        letters[letter.invitation_id] = letter
    return {pk: (applicants.get(pk), letters.get(pk)) for pk in ids}


def letter_section(*, invitation):
    """What the organizers' page of one invitation shows of its visa letter."""
    applicant = applicant_for(invitation)
    return {
        "applicant": applicant,
        "letter": valid_letter(invitation),
        "letters": list(invitation.issued_visa_letters.select_related("superseded_by").order_by("-issued_at", "-pk")),
        # Passport details an earlier travel form stored, until the speaker fills the letter step.
        "earlier_passport": None
        if applicant is not None or not (invitation.passport_number or invitation.nationality)
        else {
            "nationality": invitation.nationality,
            "number": invitation.passport_number,
            "expires": invitation.passport_expiry,
        },
    }


def setup(*, forum):
    """The edition's letterhead, signatories and arrival information for the organizers' setup
    page: four queries however many signatories."""
    from .models import ArrivalInfo, InvitingOrganization

    organization = InvitingOrganization.objects.filter(forum=forum).first()
    signatories = list(Signatory.objects.filter(organization=organization)) if organization else []
    signing = signing_signatory(organization)
    return {
        "organization": organization,
        "signatories": signatories,
        "signing": signing,
        "arrival": ArrivalInfo.objects.filter(forum=forum).first(),
    }


def applicant_initial(invitation, applicant=None):
    """The values the letter step starts from: the saved applicant's, or on a first visit what is
    already known — the name in Latin letters, the stay, and the passport details earlier travel
    forms stored on the invitation (the letter step owns them now)."""
    from core import passports

    from .services import APPLICANT_FIELDS

    if applicant is not None:
        values = {name: getattr(applicant, name) for name in APPLICANT_FIELDS}
        values["nationality"] = applicant.nationality.code
        values["consulate_country"] = applicant.consulate_country.code
        return values
    speaker = invitation.speaker
    values = dict.fromkeys(APPLICANT_FIELDS, "")
    values.update(
        dict.fromkeys(("birth_date", "passport_issued_on", "passport_expires_on")),
        surname=speaker.last_name_latin,
        given_names=speaker.first_name_latin,
        nationality=invitation.nationality.code or "",
        passport_number=passports.normalize_number(invitation.passport_number),
        passport_expires_on=invitation.passport_expiry,
        arrival_date=invitation.arrival_date,
        departure_date=invitation.departure_date,
        consulate_country=speaker.country.code or "",
    )
    return values
