"""Country names in the reader's language, from CLDR (Babel), sorted for that reader.

django-countries keeps the codes we store, but has no Azerbaijani names and its gettext names are
taken when a form class is built (once, at import). Here names are looked up when a page or a
message is rendered, and the list is ordered by the reader's alphabet: "Çin" after "Cezayir" and
"Əfqanıstan" after "Efiopiya" in Azerbaijani, "Ё" beside "Е" in Russian.
"""

import functools
import unicodedata

from babel import Locale
from django.conf import settings
from django.utils import translation
from django_countries import countries as iso_countries

ALPHABETS = {
    "az": "abcçdeəfgğhxıijkqlmnoöprsştuüvyz",
    "tr": "abcçdefgğhıijklmnoöprsştuüvyz",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "en": "abcdefghijklmnopqrstuvwxyz",
}
# Dotted and dotless i are two letters in Azerbaijani and Turkish.
TURKIC_LOWER = str.maketrans({"I": "ı", "İ": "i"})


def _language(language=None):
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in ALPHABETS else "en"


@functools.cache
def _names(language):
    return Locale.parse(language).territories


def country_name(code, language=None):
    """The name of an ISO 3166 code in ``language`` (default: the active one)."""
    code = str(code or "").upper()
    if not code:
        return ""
    return _names(_language(language)).get(code) or iso_countries.name(code) or code


def sort_key(text, language=None):
    """A key that orders words by the alphabet of ``language``."""
    language = _language(language)
    alphabet = ALPHABETS[language]
    if language in ("az", "tr"):
        text = text.translate(TURKIC_LOWER)
    key = []
    for char in text.lower():
        if char in alphabet:
            key.append(alphabet.index(char))
            continue
        base = unicodedata.normalize("NFD", char)[0]
        key.append(alphabet.index(base) + 0.5 if base in alphabet else 1000 + ord(char))
    return key


def country_choices(language=None):
    """``[(code, name), ...]`` of every country we accept, in the reader's language and order."""
    language = _language(language)
    pairs = [(code, country_name(code, language)) for code, _name in iso_countries]
    return sorted(pairs, key=lambda pair: sort_key(pair[1], language))


def country_choices_with_blank():
    """For a form's ``choices=``: evaluated each time the form is shown, in the active language."""
    return [("", "—"), *country_choices()]
