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
# Addresses are the people's own data (random in the factories), never interface text.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Names, codes and brand words that are the same in every language.
ALLOWED = {"az", "en", "ru", "tr", "pdf", "ics", "csv", "qr", "api", "asia", "baku", "email"}
# Words Azerbaijani or Turkish write as English does.
NATIVE = {"az": {"panel", "sent"}, "tr": {"panel"}, "ru": set()}  # "Sent-Kits və Nevis"


def _english_words(page, language):
    text = html.unescape(TAGS.sub(" ", page)) + " " + " ".join(ATTRIBUTES.findall(page))
    text = EMAIL.sub(" ", text)
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


# --- every kind of email ------------------------------------------------------------------------

URL = re.compile(r"https?://\S+")
# Content of the edition, in each reader's language (so any English left is the interface's).
CONTENT = {
    "az": {"panel": "Kritik infrastrukturun mühafizəsi", "other": "Təhdid kəşfiyyatı", "room": "Böyük zal",
           "organization": "ADA Universiteti", "position": "Kafedra müdiri", "reason": "Səfərim təxirə düşdü.",
           "subject": "Proqram dəyişikliyi", "body": "Əziz qonaqlar, proqram yeniləndi."},
    "ru": {"panel": "Защита критической инфраструктуры", "other": "Анализ киберугроз", "room": "Большой зал",
           "organization": "Университет ADA", "position": "Заведующий кафедрой", "reason": "Командировка отменена.",
           "subject": "Изменение программы", "body": "Уважаемые гости, программа обновлена."},
    "tr": {"panel": "Kritik altyapının korunması", "other": "Tehdit istihbaratı", "room": "Büyük Salon",
           "organization": "ADA Üniversitesi", "position": "Bölüm başkanı", "reason": "Seyahatim ertelendi.",
           "subject": "Program değişikliği", "body": "Değerli konuklar, program güncellendi."},
}  # fmt: skip


def _translated(key):
    return {code: CONTENT.get(code, CONTENT["az"])[key] for code in ("az", "en", "ru", "tr")}


def _every_kind_of_email(language, settings):
    """Walk the edition's flows with every person reading ``language`` until each registered kind
    of message has been queued at least once; return the messages in that language."""
    import datetime

    from core import accounts
    from notifications.kinds import registered_kinds
    from notifications.models import OutboxMessage
    from organizer import services as organizer_services
    from panels import services as panel_services
    from registration import services as registration_services
    from speakers import services as speaker_services
    from tests.factories import ForumFactory, OrganizerFactory, RoomFactory, register_attendee

    settings.ORGANIZER_EMAILS = []
    organizer = OrganizerFactory(email=f"chair-{language}@forum.example")
    accounts.set_preferred_language(user=organizer, language=language)
    forum = ForumFactory(capacity=1)
    day = forum.days[0]
    hall = RoomFactory(forum=forum, name=_translated("room"))

    def panel(title, hour):
        created = panel_services.create_panel(forum=forum, title=_translated(title), theme=forum.themes.first())
        start = forum.local_datetime(day, datetime.time(hour))
        return panel_services.schedule_panel(
            panel=created, room=hall, start=start, end=start + datetime.timedelta(hours=1)
        ).panel

    first, second = panel("panel", 10), panel("other", 12)
    first = panel_services.publish_panel(panel=first)

    def speaker(first_name, last_name, email):
        return speaker_services.create_speaker(
            first_name=first_name, last_name=last_name, honorific="dr", organization=_translated("organization"),
            position=_translated("position"), country="DE", email=email, preferred_language=language,
        )  # fmt: skip

    # Speakers: invited, reminded, accepting two sessions, changing their windows, asking for the
    # link again; another one declining.
    expert = speaker("Aygün", "Əliyeva", f"expert-{language}@example.org")
    invitation = speaker_services.create_invitation(forum=forum, speaker=expert)
    speaker_services.offer_panel(invitation=invitation, panel=first)
    speaker_services.offer_panel(invitation=invitation, panel=second)
    speaker_services.send_invitation(invitation=invitation)
    speaker_services.remind_invitation(invitation=invitation)
    speaker_services.accept_invitation(invitation=invitation, panel_answers={first.pk: True, second.pk: True})
    panel_services.publish_panel(panel=second)
    invitation.refresh_from_db()
    speaker_services.set_availability(
        invitation=invitation,
        windows=[(forum.local_datetime(day, datetime.time(14)), forum.local_datetime(day, datetime.time(18)))],
    )
    speaker_services.send_link_again(email=expert.email)
    refusing = speaker("Kamran", "Abbasov", f"refusing-{language}@example.org")
    other_invitation = speaker_services.create_invitation(forum=forum, speaker=refusing)
    speaker_services.send_invitation(invitation=other_invitation)
    other_invitation.refresh_from_db()
    speaker_services.decline_invitation(invitation=other_invitation, reason=CONTENT[language]["reason"])

    # Attendees: one seat; confirm, wait, cancel, be promoted, let the hold expire, be cancelled by
    # the organizers, choose a panel, be reminded the day before, ask for the link again.
    person = {"first_name": "Nigar", "organization": CONTENT[language]["organization"], "language": language,
              "position": CONTENT[language]["position"]}  # fmt: skip
    seated = register_attendee(forum, **person)
    registration_services.confirm(token=seated.raw_token)
    waiting = register_attendee(forum, **person)
    registration_services.cancel(token=seated.raw_token)  # the waiting one is promoted
    waiting.refresh_from_db()
    registration_services.expire_holds(now=waiting.hold_expires_at + datetime.timedelta(minutes=1))
    forum.__class__.objects.filter(pk=forum.pk).update(capacity=10)
    dropped = register_attendee(forum, **person)
    registration_services.confirm(token=dropped.raw_token)
    registration_services.cancel_by_organizer(registration_id=dropped.pk, by=organizer)
    attendee = register_attendee(forum, **person)
    registration_services.confirm(token=attendee.raw_token)
    registration_services.set_panels_of_interest(token=attendee.raw_token, panel_ids=[first.pk])
    registration_services.send_link_again(forum=forum, email=attendee.email)

    # A published session moves; the day before the forum; the organizers' own messages.
    first.refresh_from_db()
    moved_to = forum.local_datetime(day, datetime.time(15))  # inside the expert's new window
    panel_services.move_panel(panel=first, start=moved_to, end=moved_to + datetime.timedelta(hours=1))
    eve = forum.local_datetime(day - datetime.timedelta(days=1), datetime.time(10))
    speaker_services.send_day_before_reminders(now=eve)
    registration_services.send_day_before_reminders(now=eve)
    organizer_services.send_organizer_digest()
    organizer_services.queue_password_reset(user=organizer, language=language)
    organizer_services.send_broadcast(
        forum=forum, audience="speakers", filters={}, subject=_translated("subject"), body=_translated("body"),
        by=organizer,
    )  # fmt: skip

    messages = list(OutboxMessage.objects.filter(language=language).order_by("pk"))
    missing = set(registered_kinds()) - {message.kind for message in messages}
    assert missing == set(), f"no {language} message of these kinds was produced: {sorted(missing)}"
    return messages


@pytest.mark.parametrize("language", ["az", "ru", "tr"])
def test_every_kind_of_email_is_in_the_readers_language(db, settings, language):
    from notifications.services import render_message

    leaks = {}
    for message in _every_kind_of_email(language, settings):
        timezone.deactivate()  # as in a Celery worker
        subject, text, html_part = render_message(message)
        page = URL.sub(" ", f"<p>{subject}</p><pre>{text}</pre>{html_part}")
        words = _english_words(page, language)
        if words:
            leaks[f"{message.kind}#{message.pk}"] = words
            visible = URL.sub(" ", html.unescape(TAGS.sub(" ", page)))
            for word in words:  # show where, to fix it quickly
                for match in re.finditer(rf"\b{word}\b", visible, re.I):
                    print(message.kind, "…", " ".join(visible[max(0, match.start() - 60) : match.end() + 60].split()))
    assert leaks == {}
