from modeltranslation.translator import TranslationOptions, register

from .models import Panel


@register(Panel)
class PanelTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("az",)
