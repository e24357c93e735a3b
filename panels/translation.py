from modeltranslation.translator import TranslationOptions, register

from .models import InfoPage, Panel, ProgramItem


@register(Panel)
class PanelTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("az",)


@register(ProgramItem)
class ProgramItemTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = ("az",)


@register(InfoPage)
class InfoPageTranslationOptions(TranslationOptions):
    fields = ("title", "body", "accessibility")
    required_languages = ("az",)
