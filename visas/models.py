"""Visa support letters: who invites (organization, signatories), the applicant's passport data,
who pays for what, and every letter issued with its fate (valid, superseded, revoked)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.uploads import MarkField
from forum.fields import EncryptedTextField

from .storage import private_storage


class InvitingOrganization(models.Model):
    """The legal entity that invites, one per forum edition; its letterhead heads every letter."""

    forum = models.OneToOneField(
        "forum.Forum", on_delete=models.CASCADE, related_name="inviting_organization", verbose_name=_("forum")
    )
    legal_name_az = models.CharField(_("legal name (Azerbaijani)"), max_length=300)
    legal_name_en = models.CharField(_("legal name (English)"), max_length=300)
    registration_number = models.CharField(_("registration number (VÖEN)"), max_length=40)
    legal_address_az = models.CharField(_("legal address (Azerbaijani)"), max_length=300)
    legal_address_en = models.CharField(_("legal address (English)"), max_length=300)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("email"))
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_phone = models.CharField(_("contact person's phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact person's email"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inviting organization")
        verbose_name_plural = _("inviting organizations")

    def __str__(self):
        return self.legal_name_en or self.legal_name_az


def _signatory_upload(instance, filename):
    return f"visas/signatories/{filename}"


class Signatory(models.Model):
    """A person who signs letters for the organization, with a signature and a stamp (private files)."""

    organization = models.ForeignKey(
        InvitingOrganization, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=200)
    title_az = models.CharField(_("title (Azerbaijani)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    # Checked and re-encoded as PNG on every path (console, API, admin): core.uploads.clean_mark.
    signature = MarkField(_("signature image"), upload_to=_signatory_upload, storage=private_storage)
    stamp = MarkField(_("stamp image"), upload_to=_signatory_upload, storage=private_storage)
    is_active = models.BooleanField(_("signs letters"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["organization", "position", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self):
        return self.name


class Payer(models.TextChoices):
    ORGANIZERS = "organizers", _("The organizers")
    SPEAKER = "speaker", _("The speaker")


class CostCoverage(models.Model):
    """Who pays for travel, accommodation and meals, set by organizers per invitation."""

    invitation = models.OneToOneField(
        "speakers.Invitation", on_delete=models.CASCADE, related_name="cost_coverage", verbose_name=_("invitation")
    )
    travel = models.CharField(_("travel"), max_length=12, choices=Payer.choices, default=Payer.SPEAKER)
    accommodation = models.CharField(_("accommodation"), max_length=12, choices=Payer.choices, default=Payer.SPEAKER)
    meals = models.CharField(_("meals"), max_length=12, choices=Payer.choices, default=Payer.SPEAKER)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cost coverage")
        verbose_name_plural = _("cost coverage")

    def __str__(self):
        return f"{self.invitation_id}: {self.travel}/{self.accommodation}/{self.meals}"


class VisaApplicant(models.Model):
    """The speaker's data as printed in the passport (personal data: organizers and the speaker only)."""

    class Sex(models.TextChoices):
        NONE = "", _("Not stated")
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        OTHER = "X", _("X (unspecified)")

    invitation = models.OneToOneField(
        "speakers.Invitation", on_delete=models.CASCADE, related_name="visa_applicant", verbose_name=_("invitation")
    )
    surname = models.CharField(_("surname as in the passport"), max_length=100)
    given_names = models.CharField(_("given names as in the passport"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=100)
    sex = models.CharField(_("sex as in the passport"), max_length=1, choices=Sex.choices, blank=True)
    nationality = CountryField(_("nationality"))
    passport_number = EncryptedTextField(_("passport number"), max_length=20)
    passport_issued_on = models.DateField(_("passport issue date"))
    passport_expires_on = models.DateField(_("passport expiry date"))
    passport_authority = models.CharField(_("issuing authority"), max_length=150)
    arrival_date = models.DateField(_("entry date"))
    departure_date = models.DateField(_("exit date"))
    consulate_country = CountryField(_("country where you apply"))
    consulate_city = models.CharField(_("city of the embassy or consulate"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visa applicant")
        verbose_name_plural = _("visa applicants")

    def __str__(self):
        return f"{self.given_names} {self.surname}"

    @property
    def full_name(self):
        return f"{self.given_names} {self.surname}"

    @property
    def initials(self):
        parts = f"{self.given_names} {self.surname}".replace("-", " ").split()
        return "".join(f"{part[0].upper()}." for part in parts if part)


class LetterSequence(models.Model):
    """The last letter number used in a year (locked while a number is taken). The table is the
    one the speakers app numbered its letters in, so references continue without a gap or a
    repeat (visas 0004 took it over without touching it)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "speakers_lettersequence"
        verbose_name = _("letter number sequence")
        verbose_name_plural = _("letter number sequences")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class VisaLetter(models.Model):
    """One issued letter. A reissue supersedes it; organizers or the invitation's end revoke it."""

    invitation = models.ForeignKey("speakers.Invitation", on_delete=models.CASCADE, related_name="issued_visa_letters")
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    # The random part of the verification URL: references are sequential, so they are not the key.
    code = models.CharField(max_length=16, unique=True)
    fingerprint = models.CharField(max_length=64)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signatory = models.ForeignKey(Signatory, on_delete=models.SET_NULL, null=True, related_name="letters")
    signatory_name = models.CharField(_("signed by"), max_length=200)
    # What the public verification page may show, kept apart from the encrypted passport data.
    applicant_initials = models.CharField(max_length=20)
    passport_tail = models.CharField(max_length=3)
    arrival_date = models.DateField(_("entry date"))
    departure_date = models.DateField(_("exit date"))
    consulate_country = CountryField(_("consulate country"))
    pdf = models.FileField(upload_to="visas/letters/", storage=private_storage, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("issued visa letter")
        verbose_name_plural = _("issued visa letters")

    def __str__(self):
        return self.reference

    @property
    def status(self):
        if self.revoked_at:
            return "revoked"
        if self.superseded_by_id:
            return "superseded"
        return "valid"


class ArrivalInfo(models.Model):
    """What organizers tell accepted speakers about getting there: venue, hotel, arrival, contact.
    Shown as the last step of the speaker's page; the texts are stored per language."""

    forum = models.OneToOneField(
        "forum.Forum", on_delete=models.CASCADE, related_name="arrival_info", verbose_name=_("forum")
    )
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    hotel_name = models.CharField(_("hotel"), max_length=200, blank=True)
    hotel_address = models.CharField(_("hotel address"), max_length=300, blank=True)
    hotel_phone = models.CharField(_("hotel phone"), max_length=40, blank=True)
    arrival_instructions = models.TextField(
        _("arrival instructions"), blank=True, help_text=_("Airport transfer, badge pick-up, what to bring.")
    )
    contact_phone = models.CharField(_("phone for arriving speakers"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("arrival information")
        verbose_name_plural = _("arrival information")

    def __str__(self):
        return str(self.forum)
