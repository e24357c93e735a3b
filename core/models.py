"""What core keeps in the database: background jobs (organizer work that outlasts a request) and
each account's preferences (the language its mail is written in)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One piece of organizer work run by a Celery worker: a badges PDF, a speaker import...

    ``kind`` names a declared kind (``core.jobs.job_kinds_declared``): the runner, the permission
    that starts and reads it, how its result is shown. The worker writes ``progress_done`` out of
    ``progress_total`` as it goes, and at the end ``result`` (a JSON summary) and, for kinds that
    produce a file, ``result_file``: a name in the private storage, served only through the
    organizers' guarded download. ``attempts`` counts claims; a worker only writes to the job
    while the count is still its own, so a job taken over after a lost worker has one writer.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    forum = models.ForeignKey("forum.Forum", on_delete=models.CASCADE, related_name="jobs", verbose_name=_("forum"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    input_file = models.CharField(_("input file"), max_length=255, blank=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.CharField(_("result file"), max_length=255, blank=True)
    result_filename = models.CharField(_("file name"), max_length=200, blank=True)
    result_size = models.PositiveBigIntegerField(_("file size"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            models.Index(fields=["forum", "-created_at"], name="job_forum_recent_idx"),
            models.Index(fields=["state", "heartbeat_at"], name="job_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total")) | models.Q(progress_total=0),
                name="job_progress_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"

    @property
    def kind_label(self):
        from .jobs import job_kinds

        kind = job_kinds().get(self.kind)
        return kind.label if kind else self.kind

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def has_file(self):
        return bool(self.result_file) and self.file_deleted_at is None


class UserPreferences(models.Model):
    """An account's own settings. Organizers set their language in the console; every message
    to them (answers of speakers, conflicts, the daily digest) is written in it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="preferences",
        verbose_name=_("account"),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "Messages to this account are written in this language, and the console opens in it; "
            "empty means the site's default."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("account preferences")
        verbose_name_plural = _("account preferences")

    def __str__(self):
        return str(self.user)
