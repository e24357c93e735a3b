from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One email to send, written in the same transaction as the change that caused it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=8, default="az")
    context = models.JSONField(_("context"), default=dict, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=255, unique=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When a worker took the message (state "sending"); the sweeper reclaims stale claims.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # When a delivery task was last handed to the broker; null means nobody holds a task for it.
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    related_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    related_id = models.CharField(max_length=64, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["state", "claimed_at"], name="outbox_claimed_idx"),
        ]

    @property
    def kind_label(self):
        """The kind's name in the active language (see ``notifications.kinds``)."""
        from .kinds import kind_label

        return kind_label(self.kind)

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.state})"

    @property
    def outbox_id(self):
        """The identifier carried in every copy of this message (X-Outbox-Id header)."""
        return f"{self.pk}"

    @property
    def is_resendable(self):
        return self.state in {self.State.FAILED, self.State.CANCELLED}

    @property
    def is_cancellable(self):
        return self.state in {self.State.QUEUED, self.State.RETRYING}
