from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Speaker


@admin.register(Speaker)
class SpeakerAdmin(TranslationAdmin):
    list_display = ("full_name", "organization", "country", "email", "publish_consent")
    list_filter = ("country", "publish_consent")
    search_fields = ("first_name", "last_name", "first_name_latin", "last_name_latin", "email", "organization")
