"""What only the console keeps: the messages organizers write to a segment of people."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Broadcast(models.Model):
    """One message written to a segment (attendees or speakers of an edition, filtered), sent once
    through the outbox: one outbox row per recipient, related to this broadcast."""

    class Audience(models.TextChoices):
        ATTENDEES = "attendees", _("Attendees")
        SPEAKERS = "speakers", _("Speakers")

    forum = models.ForeignKey("forum.Forum", on_delete=models.CASCADE, related_name="broadcasts")
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    subject = models.JSONField(_("subject per language"), default=dict)
    body = models.JSONField(_("text per language"), default=dict)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")

    def __str__(self):
        return self.subject.get(settings.LANGUAGE_CODE) or next(iter(self.subject.values()), "")
