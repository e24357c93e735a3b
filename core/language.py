"""``?lang=ru`` on any address: the page, export or API answer in that language.

Django's LocaleMiddleware reads the language cookie and ``Accept-Language``; a tool that fetches
``schedule.xml`` or ``/api/v1/...`` can more easily name the language in the address. An unknown
code is ignored (the usual choice stands), never an error.
"""

from django.conf import settings
from django.utils import translation

PARAMETER = "lang"


def language_asked(request):
    code = (request.GET.get(PARAMETER) or "").strip().lower()
    return code if code in settings.LANGUAGE_CODES else ""


class QueryLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_asked(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
