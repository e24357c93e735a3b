import datetime
import io
import re
import time

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from notifications.models import OutboxMessage
from notifications.services import deliver
from registration import services
from registration.forms import form_stamp
from registration.models import Registration
from tests.factories import ForumFactory, register_attendee

pytestmark = pytest.mark.django_db

HEADINGS = {
    "az": "İştirak üçün qeydiyyat",
    "en": "Register to attend",
    "ru": "Регистрация участника",
    "tr": "Katılım kaydı",
}


def _form(**overrides):
    data = {
        "first_name": "Leyla",
        "last_name": "Huseynova",
        "email": "leyla@example.org",
        "organization": "Azercell",
        "position": "CISO",
        "country": "AZ",
        "category": "private",
        "language": "en",
        "phone": "+994 50 123 45 67",
        "consent": "on",
        "website": "",
        # Shown a minute ago: a person's pace (the form refuses a faster submission as a bot's).
        "started": form_stamp(time.time() - 60),
    }
    data.update(overrides)
    return data


def _url(forum):
    return reverse("registration:register", kwargs={"slug": forum.slug})


@pytest.mark.parametrize("language", ["az", "en", "ru", "tr"])
def test_the_form_speaks_the_visitor_language_and_has_csrf_and_a_honeypot(client, language):
    forum = ForumFactory()
    client.cookies["django_language"] = language
    response = client.get(_url(forum))
    assert response.status_code == 200
    html = response.content.decode()
    assert HEADINGS[language] in html
    assert "csrfmiddlewaretoken" in html
    assert 'name="website"' in html and 'aria-hidden="true"' in html
    assert "<script" not in html.split("</main>")[0]  # the form needs no JavaScript


def test_submitting_the_form_holds_a_seat_and_redirects_to_check_your_email(client):
    forum = ForumFactory()
    response = client.post(_url(forum), _form())
    assert response.status_code == 302
    assert response["Location"] == reverse("registration:sent", kwargs={"slug": forum.slug})
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING
    assert registration.phone == "+994 50 123 45 67"
    assert OutboxMessage.objects.filter(kind="registration_confirm_email").count() == 1


def _normalised(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_registering_again_answers_exactly_as_a_new_registration(client):
    forum = ForumFactory(capacity=1)
    client.post(_url(forum), _form(email="first@example.org"))  # takes the only seat
    new = client.post(_url(forum), _form(email="new@example.org"), follow=True)  # waitlisted
    again = client.post(_url(forum), _form(email="NEW@example.org"), follow=True)  # known address
    assert new.status_code == again.status_code == 200
    assert new.redirect_chain == again.redirect_chain
    assert _normalised(new.content.decode()) == _normalised(again.content.decode())
    # The pending one also answers the same.
    held = client.post(_url(forum), _form(email="first@example.org"), follow=True)
    assert held.redirect_chain == new.redirect_chain
    assert _normalised(held.content.decode()) == _normalised(new.content.decode())
    assert Registration.objects.filter(forum=forum).count() == 2
    # ...and the known addresses got their links again.
    assert OutboxMessage.objects.filter(dedupe_key__contains=":resend:").count() == 2


def test_the_honeypot_answers_like_success_and_stores_nothing(client):
    forum = ForumFactory()
    response = client.post(_url(forum), _form(website="http://spam.example"))
    assert response.status_code == 302
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_form_is_rate_limited_per_client_address(client, settings):
    settings.REGISTRATION_FORM_RATE = "2/h"
    forum = ForumFactory()
    for number in range(2):
        assert client.post(_url(forum), _form(email=f"p{number}@example.org")).status_code == 302
    client.cookies["django_language"] = "en"
    response = client.post(_url(forum), _form(email="p3@example.org"))
    assert response.status_code == 429
    assert "Too many registrations" in response.content.decode()
    assert Registration.objects.count() == 2
    other_address = client.post(_url(forum), _form(email="p4@example.org"), REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 302


def test_the_form_requires_the_csrf_token():
    forum = ForumFactory()
    response = Client(enforce_csrf_checks=True).post(_url(forum), _form())
    assert response.status_code == 403
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "leyla@"}, "Enter a valid email address."),
        ({"consent": ""}, "Registration needs your consent"),
        ({"first_name": ""}, "This field is required."),
        ({"phone": "ring ring"}, "Enter a phone number"),
    ],
)
def test_bad_input_shows_a_clear_message_and_stores_nothing(client, overrides, message):
    forum = ForumFactory()
    client.cookies["django_language"] = "en"
    response = client.post(_url(forum), _form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_outside_the_window_the_page_says_so_and_a_post_stores_nothing(client):
    now = timezone.now()
    forum = ForumFactory(
        registration_opens_at=now + datetime.timedelta(days=3), registration_closes_at=now + datetime.timedelta(days=9)
    )
    client.cookies["django_language"] = "en"
    page = client.get(_url(forum))
    assert page.status_code == 200
    assert "Registration is not open" in page.content.decode()
    assert "opens on" in page.content.decode()
    response = client.post(_url(forum), _form())
    assert response.status_code == 409
    assert not Registration.objects.exists()


def test_double_submit_keeps_one_registration(client):
    forum = ForumFactory()
    first = client.post(_url(forum), _form())
    second = client.post(_url(forum), _form())
    assert first.status_code == second.status_code == 302
    assert Registration.objects.count() == 1


def test_the_emailed_link_confirms_and_opens_the_manage_page(client):
    forum = ForumFactory()
    registration = register_attendee(forum)
    client.cookies["django_language"] = "en"
    url = reverse("registration:confirm", kwargs={"token": registration.raw_token})
    # Opening the link (as a mail scanner would) only shows the button; the POST confirms.
    page = client.get(url)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("registration:manage", kwargs={"token": registration.raw_token})
    html = response.content.decode()
    assert "your registration is confirmed" in html
    assert "Confirmed" in html
    assert registration.badge_code_display in html
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert "no-store" in response["Cache-Control"]
    # The link never leaves the site as a referrer, yet the page's own forms keep their Origin.
    assert response["Referrer-Policy"] == "same-origin"


def test_an_expired_hold_link_shows_a_clear_page(client):
    forum = ForumFactory()
    registration = register_attendee(forum)
    Registration.objects.update(hold_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("registration:confirm", kwargs={"token": registration.raw_token}))
    assert response.status_code == 410
    assert "The time to confirm this registration has passed" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_an_unknown_link_is_a_clear_404(client):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("registration:manage", kwargs={"token": "nope" * 11}))
    assert response.status_code == 404
    assert "This link is not valid." in response.content.decode()


def test_a_waitlisted_person_sees_their_place(client):
    forum = ForumFactory(capacity=1)
    register_attendee(forum)
    register_attendee(forum)
    waiting = register_attendee(forum)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("registration:manage", kwargs={"token": waiting.raw_token})).content.decode()
    assert "You are number 2 on the waitlist" in html
    assert "badge.pdf" not in html


def test_the_badge_is_a_pdf_with_name_organization_category_and_code(client):
    forum = ForumFactory()
    registration = register_attendee(forum, first_name="Rashad", last_name="Karimov", organization="Pasha Bank")
    not_yet = client.get(reverse("registration:badge", kwargs={"token": registration.raw_token}))
    assert not_yet.status_code == 409
    services.confirm(token=registration.raw_token)
    response = client.get(reverse("registration:badge", kwargs={"token": registration.raw_token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in ("Rashad", "Karimov", "Pasha Bank", "ACADEMIA", registration.badge_code_display):
        assert expected in text


def test_the_calendar_file_has_each_forum_day_in_forum_time(client):
    forum = ForumFactory()
    registration = register_attendee(forum)
    response = client.get(reverse("registration:calendar", kwargs={"token": registration.raw_token}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2
    start = events[0].decoded("dtstart")
    assert start.replace(tzinfo=None) == datetime.datetime.combine(forum.start_date, datetime.time(9, 0))
    assert start.utcoffset() == datetime.timedelta(hours=4)  # Asia/Baku
    assert forum.name_en in str(events[0]["summary"])


def test_cancel_is_a_post_and_promotes_the_next_person(client):
    forum = ForumFactory(capacity=1)
    holder = register_attendee(forum)
    waiting = register_attendee(forum)
    url = reverse("registration:cancel", kwargs={"token": holder.raw_token})
    assert client.get(url).status_code == 405
    asked = client.post(url)  # the first press only asks
    assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
    holder.refresh_from_db()
    assert holder.status != Registration.Status.CANCELLED
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.PENDING


def test_the_confirmation_email_is_delivered_with_badge_and_calendar(settings):
    forum = ForumFactory()
    registration = register_attendee(forum, language="ru", first_name="Olga")
    services.confirm(token=registration.raw_token)
    message = OutboxMessage.objects.get(kind="registration_confirmed")
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT, message.last_error
    [email] = mail.outbox
    assert email.to == [registration.email]
    assert forum.name_ru in email.subject
    assert "Ваша регистрация" in email.body
    names = [attachment[0] for attachment in email.attachments]
    assert names == [f"badge-{forum.slug}-{registration.badge_code}.pdf", f"{forum.slug}.ics"]
    assert email.attachments[0][1][:5] == b"%PDF-"
    assert settings.SITE_URL + f"/registration/{registration.raw_token}/" in email.body


@pytest.mark.parametrize("language", ["az", "en", "ru", "tr"])
@pytest.mark.parametrize(
    "kind",
    [
        "registration_confirm_email",
        "registration_waitlisted",
        "registration_promoted",
        "registration_confirmed",
        "registration_day_before",
        "registration_cancelled",
        "registration_cancelled_by_organizer",
        "registration_hold_expired",
        "registration_panel_changed",
    ],
)
def test_every_registration_email_renders_in_every_language(kind, language):
    from notifications.services import render_message

    forum = ForumFactory(capacity=1)
    registration = register_attendee(forum, language=language)
    services.confirm(token=registration.raw_token)
    message = OutboxMessage.objects.filter(related_id=str(registration.pk)).first()
    message.kind = kind
    message.context = {
        **message.context,
        "confirm_url": "https://x/c/",
        "hold_expires_at": "01.10.2030 12:00",
        "register_url": "https://x/r/",
        "contact_email": "team@example.org",
        "change": "moved",
        "title": "Threat intelligence",
        "before": {"when": "01.10.2030 10:00–11:00", "room": "Hall A"},
        "after": {"when": "01.10.2030 15:00–16:00", "room": "Hall B"},
        "timezone": "Asia/Baku",
        "panel_url": "https://x/p/",
    }
    subject, text, html = render_message(message)
    name = getattr(forum, f"name_{language}")
    assert name in subject
    assert registration.first_name in text and registration.first_name in html
    assert "{%" not in text and "{{" not in html
    if language != "en":
        message.language = "en"
        assert render_message(message)[0] != subject  # translated, not the English text
