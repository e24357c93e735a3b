"""How a person's name is written for a reader: one rule for pages, the API, exports and emails.

People are stored with their name as in the passport (``first_name``, ``last_name``) and, when it
is spelled otherwise in Latin letters, that spelling too (``first_name_latin``, ...). Readers of
the forum's own language (Azerbaijani) read the native spelling ("Rəşad Məmmədov"); readers of
English, Russian and Turkish read the Latin spelling where one is given ("Rashad Mammadov"), each
part falling back to the native one.
"""

from django.conf import settings
from django.utils import translation


def native_languages():
    """The languages that write people's names as in the passport: the site's own."""
    return {settings.LANGUAGE_CODE}


def reader_language(language=None):
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE


def name_parts(*, first, last, first_latin="", last_latin="", language=None):
    """(first, last) as a reader of ``language`` (the active one by default) reads them."""
    first, last = (first or "").strip(), (last or "").strip()
    if reader_language(language) in native_languages():
        return first, last
    return (first_latin or "").strip() or first, (last_latin or "").strip() or last


def latin_spelling(*, first, last, first_latin="", last_latin=""):
    """The full name in Latin letters where given, part by part (what non-native readers read)."""
    parts = ((first_latin or "").strip() or (first or "").strip(), (last_latin or "").strip() or (last or "").strip())
    return " ".join(part for part in parts if part)


def display_name(*, first, last, first_latin="", last_latin="", language=None):
    """The full name as a reader of ``language`` reads it (see the module's note)."""
    parts = name_parts(first=first, last=last, first_latin=first_latin, last_latin=last_latin, language=language)
    return " ".join(part for part in parts if part)
