from modeltranslation.translator import TranslationOptions, register

from .models import Panel, ProgramItem


@register(Panel)
class PanelTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("az",)


@register(ProgramItem)
class ProgramItemTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = ("az",)
