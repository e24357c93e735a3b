"""Attendee registrations of a forum edition, their access tokens and seat quotas."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from forum.models import Forum


class Category(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    PRIVATE = "private", _("Private sector")
    ACADEMIA = "academia", _("Academia")
    STUDENT = "student", _("Student")
    MEDIA = "media", _("Media")
    INTERNATIONAL = "international", _("International organization")
    OTHER = "other", _("Other")


class Registration(models.Model):
    """One attendee's registration for one edition.

    A seat is consumed by a confirmed registration and by a pending one whose hold has not
    expired. Waitlisted registrations queue in ``waitlisted_at`` order.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    class CancelReason(models.TextChoices):
        NONE = "", _("Not cancelled")
        ATTENDEE = "attendee", _("Cancelled by the attendee")
        EXPIRED = "expired", _("Confirmation deadline passed")
        ORGANIZER = "organizer", _("Cancelled by the organizers")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("forum"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"))
    organization = models.CharField(_("organization"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    country = CountryField(_("country"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    panels = models.ManyToManyField(
        "panels.Panel", blank=True, related_name="interested_registrations", verbose_name=_("panels of interest")
    )
    consent = models.BooleanField(_("consents to the terms and data processing"), default=False)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, db_index=True)
    hold_expires_at = models.DateTimeField(_("seat held until"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("joined the waitlist at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("cancellation reason"), max_length=12, choices=CancelReason.choices, blank=True, default=""
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    badge_code = models.CharField(_("badge code"), max_length=16, unique=True)
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["forum", "created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "forum",
                condition=~models.Q(status="cancelled"),
                name="registration_one_active_per_email",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="pending") | models.Q(hold_expires_at__isnull=False),
                name="registration_pending_has_hold",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="waitlisted") | models.Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["forum", "status", "hold_expires_at"], name="registration_seat_idx"),
            models.Index(fields=["forum", "status", "waitlisted_at", "id"], name="registration_waitlist_idx"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_status_display()})"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def badge_code_display(self):
        code = self.badge_code
        return f"{code[:5]}-{code[5:]}" if len(code) == 10 else code


class AccessToken(models.Model):
    """A personal link to one registration. Only the sha256 of the token is stored.

    Each email that carries a link gets a fresh token (the raw value exists only while that
    message is composed), so re-sending a link never invalidates the ones already in an inbox.
    """

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")

    def __str__(self):
        return f"token of registration {self.registration_id}"


class CategoryQuota(models.Model):
    """At most ``seats`` held or confirmed seats for one category at one edition."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="category_quotas", verbose_name=_("forum"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    seats = models.PositiveIntegerField(_("seats"))

    class Meta:
        ordering = ["forum", "category"]
        verbose_name = _("category quota")
        verbose_name_plural = _("category quotas")
        constraints = [models.UniqueConstraint(fields=["forum", "category"], name="quota_unique_per_category")]

    def __str__(self):
        return f"{self.get_category_display()}: {self.seats}"


class RegistrationPolicy(models.Model):
    """Per-edition registration options beyond the forum's capacity."""

    forum = models.OneToOneField(
        Forum, on_delete=models.CASCADE, related_name="registration_policy", verbose_name=_("forum")
    )
    waitlist_limit = models.PositiveIntegerField(
        _("waitlist limit"), null=True, blank=True, help_text=_("Empty: the waitlist has no limit.")
    )

    class Meta:
        verbose_name = _("registration policy")
        verbose_name_plural = _("registration policies")

    def __str__(self):
        return f"{self.forum}"


class DeskRehearsal(models.Model):
    """A time during which an edition's check-in desk practises (before the doors open, or to try
    a scanner). Its scans are kept apart and never count as attendance: they touch no
    registration. While one is open (``ended_at`` empty) every scan of the edition is a rehearsal
    scan; ending it archives its scans with it, and the desk takes real check-ins again."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="desk_rehearsals", verbose_name=_("forum"))
    started_at = models.DateTimeField(_("started at"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["forum", "-started_at", "-id"]
        verbose_name = _("check-in rehearsal")
        verbose_name_plural = _("check-in rehearsals")
        constraints = [
            models.UniqueConstraint(
                fields=["forum"], condition=models.Q(ended_at__isnull=True), name="rehearsal_one_open_per_forum"
            ),
        ]

    def __str__(self):
        return f"{self.forum}: {self.started_at:%Y-%m-%d %H:%M}"


class RehearsalScan(models.Model):
    """One badge scanned during a rehearsal: once per badge and rehearsal."""

    rehearsal = models.ForeignKey(
        DeskRehearsal, on_delete=models.CASCADE, related_name="scans", verbose_name=_("rehearsal")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="rehearsal_scans", verbose_name=_("registration")
    )
    scanned_at = models.DateTimeField(_("scanned at"))
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["rehearsal", "-scanned_at", "-id"]
        verbose_name = _("rehearsal scan")
        verbose_name_plural = _("rehearsal scans")
        constraints = [
            models.UniqueConstraint(fields=["rehearsal", "registration"], name="rehearsal_scan_once_per_badge"),
        ]

    def __str__(self):
        return f"rehearsal scan of registration {self.registration_id}"
