"""No page and no email writes a UTC wall clock.

An edition in Asia/Baku (UTC+4) gets a panel at 05:10–06:25 UTC (09:10–10:25 in Baku) and one at
20:30–21:15 UTC, already 00:30–01:15 of the next day in Baku; an invitation to answer by 19:40 UTC
(23:40 in Baku) and an attendee checked in at 06:50 UTC (10:50). Every page of the edition (public,
personal-link and organizer) and every email its flows queue are rendered; none may show one of
the UTC clocks, and the pages that show those moments show the Baku ones.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services import render_message
from panels import services as panel_services
from panels.models import Panel
from registration import services as registration_services
from speakers import services as speaker_services
from tests.factories import ForumFactory, RoomFactory, SpeakerFactory, UserFactory, register_attendee
from tests.speakers.conftest import last_token

UTC = datetime.UTC
UTC_CLOCKS = ("05:10", "06:25", "20:30", "21:15", "19:40", "06:50", "05:15", "06:30")


def _at(day, hour, minute):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=UTC)


@pytest.fixture
def edition(db, organizer):
    forum = ForumFactory()
    assert forum.timezone == "Asia/Baku"
    day = forum.start_date
    # Content in each language, so that any English left on a page is the interface's.
    hall = RoomFactory(
        forum=forum, name={"az": "Böyük zal", "en": "Main Hall", "ru": "Большой зал", "tr": "Büyük Salon"}
    )
    annex = RoomFactory(forum=forum, name={"az": "Kiçik zal", "en": "Annex", "ru": "Малый зал", "tr": "Küçük Salon"})
    morning = Panel.objects.create(
        forum=forum, theme=forum.themes.first(), title_az="Səhər açılışı", title_en="Morning keynote",
        title_ru="Утреннее открытие", title_tr="Sabah açılışı", room=hall,
        start=_at(day, 5, 10), end=_at(day, 6, 25), status=Panel.Status.PUBLISHED,
    )  # fmt: skip
    late = Panel.objects.create(
        forum=forum, theme=forum.themes.first(), title_az="Gecə təlimi", title_en="Midnight drill",
        title_ru="Ночные учения", title_tr="Gece tatbikatı", room=annex,
        start=_at(day, 20, 30), end=_at(day, 21, 15), status=Panel.Status.PUBLISHED,
    )  # fmt: skip
    speaker = SpeakerFactory(
        preferred_language="en", email="expert@example.org", first_name="Aygün", last_name="Əliyeva",
        organization="ADA Universiteti", position="Professor",
    )  # fmt: skip
    invitation = speaker_services.create_invitation(
        forum=forum, speaker=speaker, response_deadline=_at(day - datetime.timedelta(days=10), 19, 40)
    )
    speaker_services.offer_panel(invitation=invitation, panel=morning)
    speaker_services.offer_panel(invitation=invitation, panel=late)
    speaker_services.send_invitation(invitation=invitation)
    token = last_token(speaker.email)
    speaker_services.remind_invitation(invitation=invitation)
    speaker_services.accept_invitation(invitation=invitation, panel_answers={morning.pk: True, late.pk: True})
    attendee = register_attendee(forum, language="en")
    registration_services.confirm(token=attendee.raw_token)
    attendee.refresh_from_db()
    registration_services.set_panels_of_interest(token=attendee.raw_token, panel_ids=[morning.pk, late.pk])
    attendee.checked_in_at = _at(day, 6, 50)
    attendee.save(update_fields=["checked_in_at"])
    pending = register_attendee(forum, language="en")
    return {
        "forum": forum, "morning": morning, "late": late, "invitation": invitation, "rsvp_token": token,
        "attendee": attendee, "pending": pending,
    }  # fmt: skip


def _get(client, url):
    # Each request as a fresh worker thread would serve it: no zone left active by an earlier one.
    timezone.deactivate()
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _leaks(text):
    return [clock for clock in UTC_CLOCKS if clock in text]


def _pages(edition):
    forum, slug = edition["forum"], edition["forum"].slug
    public = [
        reverse("forum:detail", args=[slug]),
        reverse("panels:program", args=[slug]),
        reverse("panels:detail", args=[slug, edition["morning"].pk]),
        reverse("panels:detail", args=[slug, edition["late"].pk]),
        reverse("panels:changes", args=[slug]),
        reverse("speakers:list", args=[slug]),
    ]
    personal = [
        reverse("speakers:rsvp", args=[edition["rsvp_token"]]),
        reverse("registration:manage", args=[edition["attendee"].raw_token]),
        reverse("registration:manage", args=[edition["pending"].raw_token]),
        reverse("registration:confirm", args=[edition["pending"].raw_token]),
    ]
    organizer = [
        reverse("forum:organizer-dashboard", args=[slug]),
        reverse("panels:organizer-schedule", args=[slug]),
        reverse("speakers:organizer", args=[slug]),
        reverse("speakers:organizer-invitation", args=[slug, edition["invitation"].pk]),
        reverse("registration:organizer_list", args=[slug]),
        reverse("notifications:outbox"),
        reverse("organizer:account"),
        reverse("admin:speakers_invitation_change", args=[edition["invitation"].pk]),
        reverse("admin:registration_registration_changelist"),
        reverse("admin:panels_panel_changelist"),
    ]
    assert forum.status == "published"
    return public, personal, organizer


@pytest.mark.parametrize("language", ["az", "en", "ru", "tr"])
def test_no_page_of_an_edition_shows_a_utc_wall_clock(client, organizer, edition, language):
    public, personal, organizer_pages = _pages(edition)
    client.cookies["django_language"] = language
    seen = {}
    for url in public + personal:
        seen[url] = _get(client, url)
    client.force_login(organizer)
    for url in organizer_pages:
        if not url.startswith("/admin/"):
            seen[url] = _get(client, url)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))  # the admin is for superusers
    for url in organizer_pages:
        if url.startswith("/admin/"):
            seen[url] = _get(client, url)
    leaks = {url: _leaks(text) for url, text in seen.items() if _leaks(text)}
    assert leaks == {}
    panel_page = seen[reverse("panels:detail", args=[edition["forum"].slug, edition["late"].pk])]
    assert "00:30" in panel_page and "01:15" in panel_page
    rsvp = seen[reverse("speakers:rsvp", args=[edition["rsvp_token"]])]
    assert "09:10" in rsvp and "00:30" in rsvp
    invitation_page = seen[
        reverse("speakers:organizer-invitation", args=[edition["forum"].slug, edition["invitation"].pk])
    ]
    assert "23:40" in invitation_page


def test_a_panel_at_2030_utc_is_on_the_next_day_in_baku(client, edition):
    late = edition["late"]
    client.cookies["django_language"] = "en"
    page = _get(client, reverse("panels:detail", args=[edition["forum"].slug, late.pk]))
    next_day = edition["forum"].start_date + datetime.timedelta(days=1)
    assert f"{next_day.day} {next_day:%B} {next_day.year}, 00:30" in page


def test_no_email_shows_a_utc_wall_clock(edition):
    morning, forum = edition["morning"], edition["forum"]
    panel_services.move_panel(  # to 05:15-06:30 UTC, 09:15-10:30 in Baku
        panel=morning,
        start=morning.start + datetime.timedelta(minutes=5),
        end=morning.end + datetime.timedelta(minutes=5),
    )
    speaker_services.send_day_before_reminders(
        now=forum.local_datetime(forum.start_date - datetime.timedelta(days=1), datetime.time(10, 0))
    )
    registration_services.send_day_before_reminders(
        now=forum.local_datetime(forum.start_date - datetime.timedelta(days=1), datetime.time(10, 0))
    )
    rendered = {}
    for message in OutboxMessage.objects.order_by("pk"):
        timezone.deactivate()  # as in a Celery worker: nothing but the renderer sets the zone
        subject, text, html = render_message(message)
        rendered[f"{message.kind}#{message.pk}"] = subject + text + html
    kinds = {key.split("#")[0] for key in rendered}
    assert {"speaker_invitation", "speaker_invitation_reminder", "speaker_schedule", "registration_confirm_email",
            "registration_confirmed"} <= kinds  # fmt: skip
    leaks = {key: _leaks(text) for key, text in rendered.items() if _leaks(text)}
    assert leaks == {}
    invitation_mail = next(text for key, text in rendered.items() if key.startswith("speaker_invitation#"))
    assert "23:40" in invitation_mail and "09:10" in invitation_mail and "00:30" in invitation_mail
    moved = next(text for key, text in rendered.items() if key.startswith("registration_panel_changed#"))
    assert "09:10" in moved and "09:15" in moved
