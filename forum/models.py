import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_language_list(value):
    if not isinstance(value, list) or any(code not in settings.LANGUAGE_CODES for code in value):
        raise ValidationError(
            _("Choose languages among: %(codes)s."), params={"codes": ", ".join(settings.LANGUAGE_CODES)}
        )


colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f5fa8."))


class Forum(models.Model):
    """One edition of the National Cybersecurity Forum."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    edition = models.PositiveSmallIntegerField(_("edition number"))
    year = models.PositiveSmallIntegerField(_("year"))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    day_opens_at = models.TimeField(_("daily opening time"), default=datetime.time(9, 0))
    day_closes_at = models.TimeField(_("daily closing time"), default=datetime.time(18, 0))
    city = models.CharField(_("city"), max_length=100)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default=settings.FORUM_DEFAULT_TIMEZONE, validators=[validate_timezone]
    )
    host_country = CountryField(_("host country"), default=settings.FORUM_DEFAULT_COUNTRY)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("attendee capacity"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("forum edition")
        verbose_name_plural = _("forum editions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="forum_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(day_closes_at__gt=models.F("day_opens_at")), name="forum_day_hours_ordered"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        if self.day_opens_at and self.day_closes_at and self.day_closes_at <= self.day_opens_at:
            errors["day_closes_at"] = _("The day must close after it opens.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Requests find their edition's zone by slug without a query (forum.timezones).
        from .timezones import remember_zone

        remember_zone(slug=self.slug, zone=self.timezone)

    def get_absolute_url(self):
        return reverse("forum:detail", kwargs={"slug": self.slug})

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def days(self):
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=offset) for offset in range(count)]

    def local_datetime(self, day, time):
        """An aware datetime for a wall-clock time on a forum day, in the forum's zone."""
        return datetime.datetime.combine(day, time, tzinfo=self.tz)

    @property
    def starts_at(self):
        return self.local_datetime(self.start_date, self.day_opens_at)

    @property
    def ends_at(self):
        return self.local_datetime(self.end_date, self.day_closes_at)

    @property
    def is_public(self):
        return self.status in {self.Status.PUBLISHED, self.Status.ARCHIVED}


class Room(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("forum"))
    name = models.CharField(_("name"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity"))
    interpretation_languages = models.JSONField(
        _("interpretation languages"), default=list, blank=True, validators=[validate_language_list]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)  # part of the program's version stamp

    class Meta:
        ordering = ["forum", "order", "id"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["forum", "name"], name="room_name_unique_per_forum")]

    def __str__(self):
        return self.name


class Theme(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="themes", verbose_name=_("forum"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    colour = models.CharField(_("colour"), max_length=7, default="#1f5fa8", validators=[colour_validator])
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)  # part of the program's version stamp

    class Meta:
        ordering = ["forum", "order", "id"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [models.UniqueConstraint(fields=["forum", "code"], name="theme_code_unique_per_forum")]

    def __str__(self):
        return self.name
