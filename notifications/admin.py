from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import selectors, services
from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind_name",
        "recipient",
        "language",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    )
    list_filter = ("state", "kind", "language", ("created_at", admin.DateFieldListFilter))
    search_fields = ("recipient", "dedupe_key", "kind")
    date_hierarchy = "created_at"
    list_select_related = ("related_type",)
    actions = ["resend_messages", "cancel_messages"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, message):
        return message.kind_label

    readonly_fields = (
        "kind",
        "recipient",
        "language",
        "context",
        "attachments",
        "dedupe_key",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "claimed_at",
        "dispatched_at",
        "related_type",
        "related_id",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False  # messages come from services (enqueue), never typed in

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "outbox_states": selectors.state_summary()}
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(description=_("Send again (failed or cancelled messages)"), permissions=["change"])
    def resend_messages(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        done = services.resend(message_ids=ids)
        self._report(
            request,
            done,
            len(ids),
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", done),
        )

    @admin.action(description=_("Cancel (queued or retrying messages)"), permissions=["change"])
    def cancel_messages(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        done = services.cancel(message_ids=ids)
        self._report(
            request, done, len(ids), ngettext("%(count)d message cancelled.", "%(count)d messages cancelled.", done)
        )

    def _report(self, request, done, selected, text):
        self.message_user(request, text % {"count": done}, messages.SUCCESS if done else messages.WARNING)
        skipped = selected - done
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was skipped: its state does not allow this.",
                    "%(count)d messages were skipped: their state does not allow this.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
