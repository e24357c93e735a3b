from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from core.errors import DomainError

from . import services
from .models import Forum, Room, Theme


class RoomInline(TranslationTabularInline):
    model = Room
    extra = 0


class ThemeInline(TranslationTabularInline):
    model = Theme
    extra = 0


@admin.register(Forum)
class ForumAdmin(TranslationAdmin):
    list_display = ("name", "edition", "year", "start_date", "end_date", "city", "status", "capacity")
    list_filter = ("status", "year")
    search_fields = ("name", "slug", "city")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [RoomInline, ThemeInline]
    actions = ["copy_to_next_year", "publish"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.ensure_standard_themes(forum=form.instance)

    @admin.action(description=_("Copy to next year (rooms, themes, panel drafts)"))
    def copy_to_next_year(self, request, queryset):
        for forum in queryset:
            try:
                copy = services.copy_to_next_year(source=forum)
            except DomainError as exc:
                self.message_user(request, f"{forum}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("Created %(copy)s.") % {"copy": copy}, messages.SUCCESS)

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        for forum in queryset:
            services.set_forum_status(forum=forum, status=Forum.Status.PUBLISHED)


@admin.register(Room)
class RoomAdmin(TranslationAdmin):
    list_display = ("name", "forum", "capacity", "order")
    list_filter = ("forum",)
    list_select_related = ("forum",)


@admin.register(Theme)
class ThemeAdmin(TranslationAdmin):
    list_display = ("name", "code", "forum", "colour", "order")
    list_filter = ("forum",)
    list_select_related = ("forum",)
