from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forum.models import Forum, Room, Theme


class Panel(models.Model):
    """A session of the program: a panel discussion, keynote, workshop, opening or closing."""

    class Format(models.TextChoices):
        OPENING = "opening", _("Opening")
        KEYNOTE = "keynote", _("Keynote")
        PANEL = "panel", _("Panel discussion")
        WORKSHOP = "workshop", _("Workshop")
        CLOSING = "closing", _("Closing")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="panels", verbose_name=_("forum"))
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="panels", null=True, blank=True, verbose_name=_("theme")
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices, default=Format.PANEL)
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="panels", null=True, blank=True, verbose_name=_("room")
    )
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(_("spoken language"), max_length=8, choices=settings.LANGUAGES, default="az")
    interpretation = models.BooleanField(_("interpretation offered"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Defaults to the room's."))
    sequence = models.PositiveIntegerField(_("revision"), default=0, help_text=_("Raised on every schedule change."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["forum", "start", "room__order", "id"]
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__isnull=True, end__isnull=True)
                | models.Q(start__isnull=False, end__isnull=False, end__gt=models.F("start")),
                name="panel_interval_valid",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def effective_capacity(self):
        if self.capacity is not None:
            return self.capacity
        return self.room.capacity if self.room_id else None

    @property
    def is_scheduled(self):
        return self.room_id is not None and self.start is not None


class Participation(models.Model):
    """A speaker's role on a panel."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        PANELIST = "panelist", _("Panelist")
        KEYNOTE = "keynote", _("Keynote speaker")
        CHAIR = "chair", _("Chair")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="participations", verbose_name=_("panel"))
    speaker = models.ForeignKey(
        "speakers.Speaker", on_delete=models.CASCADE, related_name="participations", verbose_name=_("speaker")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.PANELIST)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["panel", "order", "id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["panel", "speaker"], name="participation_unique_speaker")]

    def __str__(self):
        return f"{self.speaker} ({self.get_role_display()}) — {self.panel}"
