from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from forum import confirm as asking

from . import selectors, services
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

    @admin.action(description=gettext_lazy("Cancel selected registrations (seats go to the waitlist)…"),
                  permissions=["change"])  # fmt: skip
    def cancel_selected(self, request, queryset):
        """First a page of who is cancelled, who is emailed and who stays; only its confirming
        button (``confirmed=yes``) cancels, through the same service as the console."""
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        if not asking.is_confirmed(request):
            return self._cancel_preview(request, ids)
        cancelled, refused = services.cancel_many_by_organizer(registration_ids=ids, by=request.user)
        for error in refused:
            self.message_user(request, error.message, messages.WARNING)
        if cancelled:
            self.message_user(
                request,
                ngettext("%(n)s registration cancelled.", "%(n)s registrations cancelled.", len(cancelled))
                % {"n": len(cancelled)},
                messages.SUCCESS,
            )
        return None

    def _cancel_preview(self, request, ids):
        preview = selectors.cancellation_preview(registration_ids=ids)
        audience = asking.audience_text(attendees=preview["emailed"])
        if preview["promoted"]:
            audience += " " + ngettext(
                "Up to %(n)s person on the waitlist gets a freed seat and is emailed too.",
                "Up to %(n)s people on the waitlist get a freed seat and are emailed too.",
                preview["promoted"],
            ) % {"n": preview["promoted"]}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cancel these registrations?"),
            "opts": self.model._meta,
            "preview": preview,
            "audience": audience,
            "ids": ids,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "confirmed_name": asking.CONFIRMED,
        }
        return TemplateResponse(request, "admin/registration/registration/cancel_selected_confirmation.html", context)

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
