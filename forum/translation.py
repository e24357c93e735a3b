from modeltranslation.translator import TranslationOptions, register

from .models import Forum, Room, Theme


@register(Forum)
class ForumTranslationOptions(TranslationOptions):
    fields = ("name", "city", "venue")
    required_languages = ("az",)


@register(Room)
class RoomTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("az",)


@register(Theme)
class ThemeTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("az",)
