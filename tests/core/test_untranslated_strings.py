"""Every page a reader of Azerbaijani, Russian or Turkish opens is in their language.

The crawl renders the public pages, the personal-link pages and the organizer pages of an edition
whose content is all in Azerbaijani, Russian and Turkish, and fails on any English word of the
interface left in the visible text (or in a placeholder, title or label attribute).
"""

import html
import re

import pytest
from django.utils import timezone

from tests.core.test_time_leaks import _pages
from tests.core.test_time_leaks import edition as edition

# Words that only an English sentence has; content of the edition below avoids them.
ENGLISH = {
    "the", "and", "your", "you", "with", "for", "this", "are", "not", "has", "have", "will",
    "please", "from", "been", "was", "were", "which", "when", "who", "what", "there", "their",
    "answer", "panel", "speakers", "register", "registration", "invitation", "sent", "cancel",
    "save", "send", "time", "times", "room", "rooms", "day", "days", "deadline", "email",
}  # fmt: skip
TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"')
WORD = re.compile(r"[A-Za-z]+")
# Names, codes and brand words that are the same in every language.
ALLOWED = {"az", "en", "ru", "tr", "pdf", "ics", "csv", "qr", "api", "asia", "baku", "email"}
# Words Azerbaijani or Turkish write as English does.
NATIVE = {"az": {"panel", "sent"}, "tr": {"panel"}, "ru": set()}  # "Sent-Kits və Nevis"


def _english_words(page, language):
    text = html.unescape(TAGS.sub(" ", page)) + " " + " ".join(ATTRIBUTES.findall(page))
    return sorted({word.lower() for word in WORD.findall(text) if word.lower() in ENGLISH - ALLOWED - NATIVE[language]})


@pytest.mark.parametrize("language", ["az", "ru", "tr"])
def test_every_page_of_an_edition_is_in_the_readers_language(client, organizer, edition, language):
    public, personal, organizer_pages = _pages(edition)
    client.cookies["django_language"] = language
    found = {}
    for url in public + personal:
        timezone.deactivate()
        found[url] = _english_words(client.get(url).content.decode(), language)
    client.force_login(organizer)
    for url in organizer_pages:
        if url.startswith("/admin/"):
            continue  # Django's own admin is translated by Django
        timezone.deactivate()
        found[url] = _english_words(client.get(url).content.decode(), language)
    leaks = {url: words for url, words in found.items() if words}
    if leaks:  # show where, to fix it quickly
        for url in leaks:
            timezone.deactivate()
            text = html.unescape(TAGS.sub(" ", client.get(url).content.decode()))
            for word in leaks[url]:
                for match in re.finditer(rf"\b{word}\b", text, re.I):
                    print(url, "…", " ".join(text[max(0, match.start() - 60) : match.end() + 60].split()))
    assert leaks == {}
