from modeltranslation.translator import TranslationOptions, register

from .models import Speaker


@register(Speaker)
class SpeakerTranslationOptions(TranslationOptions):
    fields = ("bio", "position", "organization")
