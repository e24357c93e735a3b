from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


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
    photo = models.ImageField(_("photo"), upload_to="speakers/photos/", blank=True)
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

    def is_foreign_for(self, forum):
        return self.country.code != forum.host_country.code
