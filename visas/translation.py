from modeltranslation.translator import TranslationOptions, register

from .models import ArrivalInfo


@register(ArrivalInfo)
class ArrivalInfoTranslationOptions(TranslationOptions):
    fields = ("venue_address", "hotel_name", "hotel_address", "arrival_instructions")
