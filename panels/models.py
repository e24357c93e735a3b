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
    planned_minutes = models.PositiveSmallIntegerField(
        _("planned length (minutes)"),
        null=True,
        blank=True,
        help_text=_("How long the panel lasts when it has no time yet; the proposal uses it."),
    )
    locked = models.BooleanField(
        _("locked in place"), default=False, help_text=_("A proposed schedule never moves a locked panel.")
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0, help_text=_("Raised on every schedule change."))
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
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
            # A panel that holds a slot has all of it: room, start and end.
            models.CheckConstraint(
                condition=~models.Q(status__in=["scheduled", "published"])
                | models.Q(room__isnull=False, start__isnull=False, end__isnull=False),
                name="panel_placed_when_scheduled",
            ),
        ]
        indexes = [models.Index(fields=["forum", "status", "start"], name="panel_forum_status_start")]

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

    @property
    def holds_slot(self):
        """Scheduled and published panels occupy their room; drafts and cancelled ones do not."""
        return self.status in HOLDING_STATUSES and self.is_scheduled

    @property
    def is_public(self):
        """Published, or cancelled after publication (the program then shows it as cancelled)."""
        return self.status == self.Status.PUBLISHED or (
            self.status == self.Status.CANCELLED and self.published_at is not None
        )

    @property
    def duration(self):
        return self.end - self.start if self.start and self.end else None

    @property
    def local_start(self):
        return self.start.astimezone(self.forum.tz) if self.start else None

    @property
    def local_end(self):
        return self.end.astimezone(self.forum.tz) if self.end else None


HOLDING_STATUSES = (Panel.Status.SCHEDULED, Panel.Status.PUBLISHED)


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


class ScheduleChange(models.Model):
    """One entry of the schedule's change log: who changed which panel, when, from what to what."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        SCHEDULED = "scheduled", _("Scheduled")
        MOVED = "moved", _("Moved")
        UNSCHEDULED = "unscheduled", _("Unscheduled")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        SPEAKER_ADDED = "speaker_added", _("Speaker added")
        SPEAKER_REMOVED = "speaker_removed", _("Speaker removed")
        COPIED = "copied", _("Copied from an earlier edition")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="schedule_changes", verbose_name=_("forum"))
    panel = models.ForeignKey(
        Panel, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes", verbose_name=_("panel")
    )
    panel_title = models.CharField(_("panel title"), max_length=250)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("schedule change")
        verbose_name_plural = _("schedule changes")

    def __str__(self):
        return f"{self.get_action_display()}: {self.panel_title}"


class ProgramItem(models.Model):
    """A slot of the program that is not a panel: a coffee break, lunch, the registration desk
    opening, networking, a ceremony. It has no speakers, so it never makes a speaker clash; with no
    room it spans every room (the program shows it across the grid)."""

    class Kind(models.TextChoices):
        BREAK = "break", _("Break")
        LUNCH = "lunch", _("Lunch")
        REGISTRATION = "registration", _("Registration")
        NETWORKING = "networking", _("Networking")
        CEREMONY = "ceremony", _("Ceremony")
        OTHER = "other", _("Other")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="program_items", verbose_name=_("forum"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BREAK)
    title = models.CharField(_("title"), max_length=200)
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        related_name="program_items",
        null=True,
        blank=True,
        verbose_name=_("room"),
        help_text=_("Leave empty for an item across all rooms."),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["forum", "start", "id"]
        verbose_name = _("program item")
        verbose_name_plural = _("program items")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="program_item_interval_valid"),
        ]
        indexes = [models.Index(fields=["forum", "start"], name="program_item_forum_start")]

    def __str__(self):
        return self.title

    @property
    def local_start(self):
        return self.start.astimezone(self.forum.tz)

    @property
    def local_end(self):
        return self.end.astimezone(self.forum.tz)


class InfoPage(models.Model):
    """A page every event site has, written per edition by the organizers in four languages: terms of
    participation, privacy notice, contact, venue and directions (with accessibility)."""

    class Kind(models.TextChoices):
        TERMS = "terms", _("Terms of participation")
        PRIVACY = "privacy", _("Privacy notice")
        CONTACT = "contact", _("Contact")
        VENUE = "venue", _("Venue and directions")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="info_pages", verbose_name=_("forum"))
    kind = models.CharField(_("page"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Plain text; an empty line starts a new paragraph."))
    accessibility = models.TextField(
        _("accessibility"), blank=True, help_text=_("Step-free access, lifts, seating, hearing loops, quiet rooms.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["forum", "kind"]
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        constraints = [models.UniqueConstraint(fields=["forum", "kind"], name="info_page_one_per_kind")]

    def __str__(self):
        return self.title


class ScheduleProposal(models.Model):
    """A schedule the solver proposed for a forum, waiting for an organizer to accept or discard it.

    ``result`` holds the proposed placements (each with the panel's state when the proposal was
    made, so a panel changed meanwhile is noticed on accept), the panels that could not be placed
    with the constraints that block them, and the score before and after.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        ACCEPTED = "accepted", _("Accepted")
        DISCARDED = "discarded", _("Discarded")

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="schedule_proposals", verbose_name=_("forum")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    score = models.IntegerField(_("score"), null=True, blank=True)
    base_version = models.CharField(_("schedule version"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or discarded"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("schedule proposal")
        verbose_name_plural = _("schedule proposals")

    def __str__(self):
        return f"{self.forum} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status not in {self.Status.QUEUED, self.Status.RUNNING}


class Availability(models.Model):
    """A window in which the speaker can speak at a forum (UTC). No windows means always available.

    It lives with the scheduling rules that read it; the speakers app writes it through its RSVP
    page. The table keeps its first name (``speakers_availability``): the model moved, the rows did not."""

    speaker = models.ForeignKey("speakers.Speaker", on_delete=models.CASCADE, related_name="availabilities")
    forum = models.ForeignKey("forum.Forum", on_delete=models.CASCADE, related_name="speaker_availabilities")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))

    class Meta:
        db_table = "speakers_availability"
        ordering = ["forum", "speaker", "start"]
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="availability_ordered")
        ]
        indexes = [models.Index(fields=["forum", "speaker"], name="availability_lookup_idx")]

    def __str__(self):
        return f"{self.speaker}: {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"
