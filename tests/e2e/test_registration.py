"""An attendee registers in the browser, confirms from the email, downloads the badge, cancels;
a full edition puts the next person on the waitlist; the form speaks the visitor's language."""

import io
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect
from pypdf import PdfReader

from registration import services as registration_services
from registration.models import Registration
from tests.e2e.conftest import horizontal_overflow
from tests.factories import ForumFactory, register_attendee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_registration_form(page, *, first_name, last_name, email):
    page.fill("#id_first_name", first_name)
    page.fill("#id_last_name", last_name)
    page.fill("#id_email", email)
    page.fill("#id_organization", "Azərbaycan Dövlət Neft və Sənaye Universiteti")
    page.fill("#id_position", "Təhlükəsizlik mühəndisi")
    page.select_option("#id_country", "AZ")
    page.select_option("#id_category", "academia")
    page.select_option("#id_language", "az")
    page.check("#id_consent")
    page.get_by_role("button", name=_("az", "Register"), exact=True).click()


def _(language, text):
    with translation.override(language):
        return translation.gettext(text)


def status_label(language, status):
    with translation.override(language):
        return str(Registration.Status(status).label)


def link_in_mail(mailoutbox, recipient, pattern):
    """The link matching ``pattern`` in the newest email delivered to ``recipient``."""
    bodies = [message.body for message in mailoutbox if recipient in message.to]
    assert bodies, f"no email was delivered to {recipient}"
    match = re.search(pattern, bodies[-1])
    assert match, bodies[-1]
    return match.group(0)


def test_attendee_registers_confirms_downloads_badge_and_cancels(live_server, page, mailoutbox):
    forum = ForumFactory(capacity=50)
    page.goto(f"{live_server.url}/forums/{forum.slug}/register/")
    fill_registration_form(page, first_name="Günel", last_name="Həsənova", email="gunel@example.org")

    expect(page).to_have_url(f"{live_server.url}/forums/{forum.slug}/register/sent/")
    expect(page.locator("h1")).to_have_text(_("az", "Check your email"))
    registration = Registration.objects.get(forum=forum, email="gunel@example.org")
    assert registration.status == Registration.Status.PENDING

    # The link comes from the email that was actually delivered, as the attendee would use it.
    confirm_link = link_in_mail(
        mailoutbox, "gunel@example.org", rf"{re.escape(live_server.url)}/registration/confirm/\S+/"
    )
    page.goto(confirm_link)
    # Opening the link changes nothing (mail scanners open links too); the button confirms.
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    page.get_by_role("button", name=_("az", "Confirm my registration")).click()
    page.wait_for_url(re.compile(r".*/registration/[A-Za-z0-9_-]{43}/$"))
    assert re.fullmatch(rf"{re.escape(live_server.url)}/registration/[A-Za-z0-9_-]{{43}}/", page.url)
    assert page.locator("dd.status").inner_text() == status_label("az", "confirmed")
    assert page.locator("dd.status").get_attribute("class") == "status status-confirmed"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert page.locator("strong.code").inner_text() == registration.badge_code_display

    with page.expect_download() as download_info:
        page.locator("a[href$='/badge.pdf']").click()
    download = download_info.value
    assert download.suggested_filename == f"badge-{forum.slug}-{registration.badge_code}.pdf"
    content = open(download.path(), "rb").read()  # noqa: SIM115 - a one-shot read of Playwright's temp file
    assert content.startswith(b"%PDF-")
    text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(content)).pages)
    assert "Günel" in text and "Həsənova" in text

    page.locator("form.cancel-form button[type=submit]").click()
    page.locator("button[name=confirmed]").click()  # the cancellation asks once more
    expect(page.locator("dd.status")).to_have_class("status status-cancelled")
    expect(page.locator("dd.status")).to_have_text(status_label("az", "cancelled"))
    expect(page.locator("form.cancel-form")).to_have_count(0)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    # A cancelled badge no longer downloads: the page offers to register again instead.
    assert page.locator("a[href$='/badge.pdf']").count() == 0
    assert page.locator(f"a[href='/forums/{forum.slug}/register/']").count() >= 1


def test_a_full_edition_puts_the_next_person_on_the_waitlist(live_server, page, mailoutbox):
    forum = ForumFactory(capacity=1)
    first = register_attendee(forum, language="az")  # takes the only seat (held, unconfirmed)

    page.goto(f"{live_server.url}/forums/{forum.slug}/register/")
    fill_registration_form(page, first_name="Rəşad", last_name="Quliyev", email="rashad@example.org")
    expect(page).to_have_url(f"{live_server.url}/forums/{forum.slug}/register/sent/")
    waiting = Registration.objects.get(forum=forum, email="rashad@example.org")
    assert waiting.status == Registration.Status.WAITLISTED

    manage_link = link_in_mail(mailoutbox, "rashad@example.org", rf"{re.escape(live_server.url)}/registration/[^/\s]+/")
    page.goto(manage_link)
    assert page.locator("dd.status").get_attribute("class") == "status status-waitlisted"
    assert page.locator("dd.status").inner_text() == status_label("az", "waitlisted")
    with translation.override("az"):
        expected = translation.gettext(
            "You are number %(position)s on the waitlist. When a seat frees up we will email you a link to confirm it."
        ) % {"position": 1}
    assert page.locator("p.notice").inner_text() == expected
    assert page.locator("a[href$='/badge.pdf']").count() == 0

    # The seat holder cancels (outside the browser); the waitlisted person's page now offers the seat.
    registration_services.cancel(token=first.raw_token)
    page.reload()
    assert page.locator("dd.status").get_attribute("class") == "status status-pending"
    assert page.locator("form[action*='/registration/confirm/'] button").is_visible()


def test_language_switch_keeps_the_visitor_on_the_registration_form(live_server, page):
    forum = ForumFactory()
    url = f"{live_server.url}/forums/{forum.slug}/register/"
    page.goto(url)
    first_name_label = page.locator("label[for=id_first_name]")
    assert page.locator("html").get_attribute("lang") == "az"
    assert first_name_label.inner_text() == _("az", "First name")

    page.get_by_role("button", name="RU", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert page.url == url
    assert first_name_label.inner_text() == _("ru", "First name")
    assert first_name_label.inner_text() != _("az", "First name")
    assert page.locator("h1").inner_text() == _("ru", "Register to attend")
    # The email language defaults to the page's language.
    assert page.locator("#id_language").input_value() == "ru"

    page.get_by_role("button", name="AZ", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "az")
    assert page.url == url
    assert first_name_label.inner_text() == _("az", "First name")


def test_registration_form_fits_a_phone_screen(live_server, page):
    forum = ForumFactory()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/forums/{forum.slug}/register/")
    assert page.locator("#id_consent").is_visible()
    assert horizontal_overflow(page) <= 0
