from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core import names
from core.uploads import PhotoField
from forum.fields import EncryptedTextField
from panels.models import Participation


class Speaker(models.Model):
    """A person who speaks at forum editions; one record across editions."""

    class Honorific(models.TextChoices):
        NONE = "", _("None")
        MR = "mr", _("Mr")
        MS = "ms", _("Ms")
        DR = "dr", _("Dr")
        PROF = "prof", _("Prof.")
        AMB = "amb", _("H.E.")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name_latin = models.CharField(_("first name (Latin)"), max_length=100, blank=True)
    last_name_latin = models.CharField(_("last name (Latin)"), max_length=100, blank=True)
    honorific = models.CharField(_("honorific"), max_length=8, choices=Honorific.choices, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    country = CountryField(_("country"))
    bio = models.TextField(_("biography"), blank=True)
    photo = PhotoField(_("photo"), upload_to="speakers/photos/", blank=True)
    email = models.EmailField(_("email"), unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, default="en")
    publish_consent = models.BooleanField(_("consents to a public profile"), default=False)
    publish_consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def latin_name(self):
        latin = f"{self.first_name_latin} {self.last_name_latin}".strip()
        return latin or self.full_name

    def name_in(self, language=None):
        """The name a reader of ``language`` (the active one by default) reads: native in
        Azerbaijani, the Latin spelling where given in English, Russian and Turkish
        (``core.names``). Every page, API answer, export and email that names a speaker uses it."""
        return names.display_name(
            first=self.first_name, last=self.last_name, first_latin=self.first_name_latin,
            last_latin=self.last_name_latin, language=language,
        )  # fmt: skip

    @property
    def display_name(self):
        """``name_in`` the active language (for templates)."""
        return self.name_in()

    @property
    def other_spelling(self):
        """The spelling of the name a reader of the active language does not read first (the
        native one beside a Latin one, or the other way round), or "" when there is one spelling."""
        shown = self.display_name
        latin = names.latin_spelling(
            first=self.first_name, last=self.last_name, first_latin=self.first_name_latin,
            last_latin=self.last_name_latin,
        )  # fmt: skip
        return next((name for name in (self.full_name, latin) if name != shown), "")

    def salutation_in(self, language=None):
        """ "Dr Məmmədov" / "Dr Mammadov" with an honorific, else the whole name, in ``language``."""
        with translation.override(names.reader_language(language)):
            if not self.honorific:
                return self.name_in()
            _first, last = names.name_parts(
                first=self.first_name, last=self.last_name, first_latin=self.first_name_latin,
                last_latin=self.last_name_latin,
            )  # fmt: skip
            return f"{self.get_honorific_display()} {last}"

    def organization_in(self, language=None):
        """The organization in ``language``, falling back as every translated field does."""
        return self._translated_in("organization", language)

    def position_in(self, language=None):
        return self._translated_in("position", language)

    def _translated_in(self, name, language):
        with translation.override(names.reader_language(language)):
            return getattr(self, name) or ""

    def is_foreign_for(self, forum):
        return self.country.code != forum.host_country.code


class Invitation(models.Model):
    """An invitation of one speaker to one forum edition, with the expert's answers and travel needs.

    The state only changes through ``speakers.services``; the travel and visa fields are personal
    data that only organizers and the expert see.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        VIEWED = "viewed", _("Viewed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Accommodation(models.TextChoices):
        NONE = "none", _("No accommodation needed")
        HOTEL = "hotel", _("Hotel room arranged by the organizers")
        OWN = "own", _("I arrange my own accommodation")

    forum = models.ForeignKey(
        "forum.Forum", on_delete=models.CASCADE, related_name="invitations", verbose_name=_("forum")
    )
    speaker = models.ForeignKey(
        Speaker, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("speaker")
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, editable=False)
    personal_message = models.TextField(_("personal message"), blank=True)
    response_deadline = models.DateTimeField(_("response deadline"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    send_round = models.PositiveSmallIntegerField(_("times sent"), default=0, editable=False)
    answer_version = models.PositiveIntegerField(_("answers given"), default=0, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    viewed_at = models.DateTimeField(_("first viewed at"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True, editable=False)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True, editable=False)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    # Travel and visa: personal data, organizers and the expert only. The passport number and the
    # health-related needs are encrypted at rest (forum.fields.EncryptedTextField).
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    arrival_flight = models.CharField(_("arrival flight"), max_length=40, blank=True)
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    departure_flight = models.CharField(_("departure flight"), max_length=40, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    needs_visa_letter = models.BooleanField(_("needs a visa support letter"), default=False)
    passport_number = EncryptedTextField(_("passport number"), max_length=40, blank=True)
    passport_expiry = models.DateField(_("passport expiry"), null=True, blank=True)
    accommodation = models.CharField(
        _("accommodation"), max_length=8, choices=Accommodation.choices, default=Accommodation.NONE
    )
    dietary_needs = EncryptedTextField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = EncryptedTextField(_("accessibility needs"), max_length=300, blank=True)
    interpretation_language = models.CharField(
        _("interpretation language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    av_needs = models.CharField(_("audio/visual needs"), max_length=300, blank=True)
    travel_updated_at = models.DateTimeField(_("travel details updated at"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["forum", "speaker__last_name", "speaker__first_name", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["forum", "speaker"], name="invitation_unique_speaker_per_forum"),
        ]
        indexes = [models.Index(fields=["state", "response_deadline"], name="invitation_due_idx")]

    def __str__(self):
        return f"{self.speaker} → {self.forum}"

    @property
    def is_open(self):
        """Waiting for the expert's answer."""
        return self.state in {self.State.SENT, self.State.VIEWED}

    @property
    def is_foreign(self):
        return self.speaker.is_foreign_for(self.forum)


class InvitationToken(models.Model):
    """One RSVP link. Only the sha256 of the random token is stored; every email that carries a
    link gets its own token, so older emails keep working until the forum ends."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("RSVP link")
        verbose_name_plural = _("RSVP links")

    def __str__(self):
        return f"RSVP link {self.pk} for invitation {self.invitation_id}"


class InvitationPanel(models.Model):
    """A panel offered to the invited expert, with a role and the expert's answer."""

    class Answer(models.TextChoices):
        OFFERED = "offered", _("Awaiting answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="offered_panels")
    panel = models.ForeignKey("panels.Panel", on_delete=models.CASCADE, related_name="speaker_offers")
    role = models.CharField(_("role"), max_length=12, choices=Participation.Role.choices, default="panelist")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, default=Answer.OFFERED)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["invitation", "panel__start", "panel_id"]
        verbose_name = _("offered panel")
        verbose_name_plural = _("offered panels")
        constraints = [models.UniqueConstraint(fields=["invitation", "panel"], name="invitation_panel_unique")]

    def __str__(self):
        return f"{self.panel} ({self.get_role_display()})"
