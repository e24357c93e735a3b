from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "language", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "kind", "language")
    search_fields = ("recipient", "dedupe_key")
    readonly_fields = ("dedupe_key", "attempts", "last_error", "sent_at", "created_at", "updated_at")
