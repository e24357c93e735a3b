from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import services
from .errors import PanelError
from .models import Availability, InfoPage, Panel, Participation, ProgramItem, ScheduleChange


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 1
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "order"]


@admin.register(Panel)
class PanelAdmin(TranslationAdmin):
    """Content and speakers are edited here; room and time only through the schedule grid, where
    every rule is checked."""

    list_display = ("title", "forum", "theme", "format", "status", "room", "start", "end", "language")
    list_filter = ("forum", "status", "theme__code", "format", "language", "locked")
    search_fields = ("title", "title_az", "title_en", "title_ru", "title_tr")
    list_select_related = ("forum", "theme", "room")
    readonly_fields = ("status", "room", "start", "end", "sequence", "published_at", "schedule_link")
    fields = (
        "forum", "theme", "title", "description", "format", "language", "interpretation", "capacity",
        "planned_minutes", "locked", "schedule_link", "status", "room", "start", "end", "sequence", "published_at",
    )  # fmt: skip
    inlines = [ParticipationInline]
    actions = ["publish_selected", "cancel_selected"]

    @admin.display(description=_("Schedule"))
    def schedule_link(self, obj):
        if not obj.pk:
            return "-"
        url = reverse("panels:organizer-schedule", kwargs={"slug": obj.forum.slug})
        return format_html('<a href="{}#panel-{}">{}</a>', url, obj.pk, _("Place it in the schedule grid"))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("forum")
        return fields

    def save_formset(self, request, form, formset, change):
        """New speakers go through the service so a clash with their other panels is refused."""
        if formset.model is not Participation:
            return super().save_formset(request, form, formset, change)
        panel = form.instance
        # The admin's change message reads these three lists, as formset.save() would set them.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                services.remove_participant(panel=panel, speaker=deleted.instance.speaker, actor=request.user)
                formset.deleted_objects.append(deleted.instance)
        for inline_form in formset.forms:
            if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            obj = inline_form.instance
            if obj.pk:
                obj.save(update_fields=["role", "order"])
                formset.changed_objects.append((obj, inline_form.changed_data))
                continue
            try:
                participation = services.add_participant(
                    panel=panel, speaker=obj.speaker, role=obj.role, order=obj.order, actor=request.user
                )
            except PanelError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                formset.new_objects.append(participation)

    @admin.action(description=_("Publish selected panels"))
    def publish_selected(self, request, queryset):
        for panel in queryset.select_related("forum"):
            try:
                services.publish_panel(panel=panel, actor=request.user)
            except PanelError as exc:
                self.message_user(request, f"{panel}: {exc.message}", messages.ERROR)

    @admin.action(description=_("Cancel selected panels"))
    def cancel_selected(self, request, queryset):
        for panel in queryset.select_related("forum"):
            services.cancel_panel(panel=panel, actor=request.user)


@admin.register(ScheduleChange)
class ScheduleChangeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "forum", "panel_title", "action", "actor")
    list_filter = ("forum", "action")
    search_fields = ("panel_title",)
    list_select_related = ("forum", "actor")
    readonly_fields = ("forum", "panel", "panel_title", "actor", "action", "before", "after", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgramItem)
class ProgramItemAdmin(TranslationAdmin):
    """Breaks, meals and ceremonies; the schedule grid places them with the same checks."""

    list_display = ("title", "forum", "kind", "room", "start", "end")
    list_filter = ("forum", "kind")
    list_select_related = ("forum", "room")
    search_fields = ("title", "title_az", "title_en", "title_ru", "title_tr")


@admin.register(InfoPage)
class InfoPageAdmin(TranslationAdmin):
    """Terms, privacy notice, contact and venue of an edition, in each language (Azerbaijani is the
    fallback); the public pages and the registration form's consent link to them."""

    list_display = ("title", "forum", "kind", "updated_at")
    list_filter = ("forum", "kind")
    list_select_related = ("forum",)


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ("speaker", "forum", "start", "end")
    list_filter = ("forum",)
    raw_id_fields = ("speaker",)
