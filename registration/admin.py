from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from . import services
from .errors import RegistrationError
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

    actions = ["cancel_selected"]

    @admin.action(description=gettext_lazy("Cancel selected registrations (seats go to the waitlist)"),
                  permissions=["change"])  # fmt: skip
    def cancel_selected(self, request, queryset):
        done = 0
        for registration_id in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                services.cancel_by_organizer(registration_id=registration_id, by=request.user)
                done += 1
            except RegistrationError as error:
                self.message_user(request, error.message, messages.WARNING)
        if done:
            self.message_user(
                request,
                ngettext("%(n)s registration cancelled.", "%(n)s registrations cancelled.", done) % {"n": done},
                messages.SUCCESS,
            )

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
