"""Organizers set up the inviting organization and its signatories here (group Organizers)."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import ArrivalInfo, CostCoverage, InvitingOrganization, Signatory, VisaLetter


class SignatoryInline(admin.StackedInline):
    model = Signatory
    extra = 0
    fields = ["name", "title_az", "title_en", "signature", "stamp", "is_active", "position"]


@admin.register(InvitingOrganization)
class InvitingOrganizationAdmin(admin.ModelAdmin):
    list_display = ["legal_name_en", "forum", "registration_number", "contact_name"]
    inlines = [SignatoryInline]


@admin.register(CostCoverage)
class CostCoverageAdmin(admin.ModelAdmin):
    list_display = ["invitation", "travel", "accommodation", "meals"]
    raw_id_fields = ["invitation"]


@admin.register(VisaLetter)
class VisaLetterAdmin(admin.ModelAdmin):
    """Read-only: letters are issued, superseded and revoked from the letters desk."""

    list_display = ["reference", "invitation", "issued_at", "status", "revoked_at"]
    search_fields = ["reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return ["reference", "invitation", "issued_at", "signatory_name", "arrival_date", "departure_date",
                "superseded_by", "revoked_at", "revoked_reason"]  # fmt: skip


@admin.register(ArrivalInfo)
class ArrivalInfoAdmin(TranslationAdmin):
    list_display = ["forum", "hotel_name", "updated_at"]
