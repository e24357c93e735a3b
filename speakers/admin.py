from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from . import services
from .errors import SpeakerError
from .models import Invitation, InvitationPanel, Speaker


@admin.register(Speaker)
class SpeakerAdmin(TranslationAdmin):
    list_display = ("full_name", "organization", "country", "email", "publish_consent")
    list_filter = ("country", "publish_consent")
    search_fields = (
        "first_name", "last_name", "first_name_latin", "last_name_latin", "email",
        *(f"organization_{code}" for code in settings.LANGUAGE_CODES),
    )  # fmt: skip


class InvitationPanelInline(admin.TabularInline):
    model = InvitationPanel
    extra = 0
    readonly_fields = ("answer", "answered_at")
    autocomplete_fields = ()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("speaker", "forum", "state", "response_deadline", "needs_visa_letter", "accommodation")
    list_filter = ("forum", "state", "needs_visa_letter", "accommodation")
    search_fields = ("speaker__first_name", "speaker__last_name", "speaker__email")
    list_select_related = ("speaker", "forum")
    raw_id_fields = ("speaker", "invited_by")
    readonly_fields = (
        "state", "send_round", "answer_version", "sent_at", "viewed_at", "accepted_at", "declined_at", "expired_at",
        "withdrawn_at", "last_reminded_at", "travel_updated_at",
        # Kept from earlier travel forms; the passport is the visa letter step's now (visas app).
        "nationality", "passport_number", "passport_expiry",
    )  # fmt: skip
    inlines = [InvitationPanelInline]
    actions = ["send_selected", "remind_selected", "withdraw_selected"]

    def _each(self, request, queryset, service, done_message):
        """``done_message(n)`` says what was done to n invitations, with the right plural."""
        done = 0
        for invitation in queryset:
            try:
                service(invitation)
                done += 1
            except SpeakerError as exc:
                self.message_user(request, f"{invitation.speaker}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Send selected invitations"))
    def send_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda inv: services.send_invitation(invitation=inv, by=request.user),
            lambda n: ngettext("%(n)s invitation sent.", "%(n)s invitations sent.", n) % {"n": n},
        )

    @admin.action(description=_("Remind selected invitations now"))
    def remind_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda inv: services.remind_invitation(invitation=inv),
            lambda n: ngettext("%(n)s invitation reminded.", "%(n)s invitations reminded.", n) % {"n": n},
        )

    @admin.action(description=_("Withdraw selected invitations"))
    def withdraw_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda inv: services.withdraw_invitation(invitation=inv),
            lambda n: ngettext("%(n)s invitation withdrawn.", "%(n)s invitations withdrawn.", n) % {"n": n},
        )
