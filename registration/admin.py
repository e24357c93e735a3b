from django.contrib import admin

from .models import CategoryQuota, Registration, RegistrationPolicy


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "organization",
        "forum",
        "category",
        "country",
        "status",
        "checked_in_at",
    ]
    list_filter = ["forum", "status", "category", "language"]
    search_fields = ["first_name", "last_name", "email", "organization", "badge_code"]
    list_select_related = ["forum"]
    readonly_fields = [
        "badge_code", "consent", "consent_at", "hold_expires_at", "waitlisted_at", "confirmed_at", "cancelled_at",
        "cancel_reason", "checked_in_at", "checked_in_by", "anonymized_at", "created_at", "updated_at",
    ]  # fmt: skip
    autocomplete_fields = []
    filter_horizontal = ["panels"]

    def has_add_permission(self, request):
        # Seats are taken only through the registration service (it locks the forum and counts).
        return False


@admin.register(CategoryQuota)
class CategoryQuotaAdmin(admin.ModelAdmin):
    list_display = ["forum", "category", "seats"]
    list_filter = ["forum"]


@admin.register(RegistrationPolicy)
class RegistrationPolicyAdmin(admin.ModelAdmin):
    list_display = ["forum", "waitlist_limit"]
