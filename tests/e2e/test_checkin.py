"""The check-in desk: an organizer logs in, types a badge code, and a second scan is refused
with the time of the first."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from registration import services as registration_services
from registration.models import Registration
from tests.e2e.conftest import horizontal_overflow, log_in
from tests.factories import ForumFactory, doors_open, register_attendee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def az(text):
    with translation.override("az"):
        return translation.gettext(text)


def tally(present, confirmed):
    return az("%(present)s of %(confirmed)s confirmed attendees checked in.") % {
        "present": present,
        "confirmed": confirmed,
    }


def test_organizer_checks_an_attendee_in_once(live_server, page, organizer):
    forum = ForumFactory()
    attendee = register_attendee(forum, first_name="Nigar", last_name="Əliyeva", language="az")
    registration_services.confirm(token=attendee.raw_token)
    register_attendee(forum)  # a second, unconfirmed registration: not counted as expected at the door
    doors_open(forum)

    page.goto(f"{live_server.url}/organizer/forums/{forum.slug}/checkin/")
    log_in(page, organizer)
    expect(page).to_have_url(f"{live_server.url}/organizer/forums/{forum.slug}/checkin/")
    counter = page.locator("main p.muted").first
    expect(counter).to_have_text(tally(0, 1))

    code = page.locator("input[name=code]")
    expect(code).to_be_focused()  # the desk types (or scans) straight away
    # Typed the way it is printed (with the dash) and in lower case: still the same badge.
    code.fill(attendee.badge_code_display.lower())
    code.press("Enter")
    result = page.locator(".checkin-result")
    expect(result).to_have_class("checkin-result ok")
    expect(result).to_contain_text("Nigar Əliyeva")
    expect(counter).to_have_text(tally(1, 1))
    expect(code).to_be_focused()  # ready for the next badge
    attendee.refresh_from_db()
    assert attendee.checked_in_at is not None
    assert attendee.checked_in_by == organizer

    page.locator("input[name=code]").fill(attendee.badge_code)
    page.get_by_role("button", name=az("Check in"), exact=True).click()
    expect(result).to_have_class("checkin-result warn")
    with translation.override("az"):  # the desk's language, the month's name included
        first_time = registration_services.local_time(forum, attendee.checked_in_at)
        expected = translation.gettext("%(name)s was already checked in at %(time)s.") % {
            "name": "Nigar Əliyeva",
            "time": first_time,
        }
    expect(result).to_have_text(expected)
    expect(counter).to_have_text(tally(1, 1))
    assert Registration.objects.get(pk=attendee.pk).checked_in_at == attendee.checked_in_at


def test_an_unknown_badge_is_named_as_such(live_server, page, organizer):
    forum = doors_open(ForumFactory())
    page.goto(f"{live_server.url}/organizer/forums/{forum.slug}/checkin/")
    log_in(page, organizer)
    page.locator("input[name=code]").fill("ZZZZ-ZZZZZZ")
    page.locator("input[name=code]").press("Enter")
    result = page.locator(".checkin-result")
    expect(result).to_have_class("checkin-result bad")
    expect(result).to_have_text(az("No registration has this badge code."))


def test_before_the_forum_the_desk_refuses_then_rehearses_and_says_so_on_every_screen(live_server, page, organizer):
    from registration.models import RehearsalScan
    from tests.e2e.test_console import axe_violations

    forum = ForumFactory()
    attendee = register_attendee(forum, first_name="Nigar", last_name="Əliyeva", language="az")
    registration_services.confirm(token=attendee.raw_token)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.set_viewport_size({"width": 390, "height": 844})
    desk = f"{live_server.url}/organizer/forums/{forum.slug}/checkin/"
    page.goto(desk)
    log_in(page, organizer)
    expect(page.locator("[data-desk-mode]")).to_have_attribute("data-desk-mode", "live")
    page.locator("input[name=code]").fill(attendee.badge_code)
    page.locator("input[name=code]").press("Enter")
    expect(page.locator(".checkin-result.bad")).to_contain_text("Check-in is open only on the forum's days")

    page.locator("summary", has_text="Rehearsal mode").click()
    page.get_by_role("button", name="Switch to rehearsal mode…").click()
    expect(page.get_by_role("heading", name="Switch the desk to rehearsal mode")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, go ahead").click()
    expect(page.locator("[data-desk-mode]")).to_have_attribute("data-desk-mode", "rehearsal")
    expect(page.get_by_role("heading", name="Rehearsal mode")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Rehearsal"))

    page.locator("input[name=code]").fill(attendee.badge_code_display)
    page.get_by_role("button", name="Rehearsal scan", exact=True).click()
    expect(page.locator(".checkin-result.rehearsal")).to_contain_text("Rehearsal scan (not attendance): Nigar Əliyeva")
    expect(page.locator(".rehearsal-scans li")).to_have_count(1)
    assert axe_violations(page) == [] and horizontal_overflow(page) <= 0
    attendee.refresh_from_db()
    assert attendee.checked_in_at is None
    for language in ("az", "ru", "tr", "en"):  # the rehearsing desk in every language, on a phone
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto(desk)
        expect(page.locator(".rehearsal-banner")).to_be_visible()
        assert (language, axe_violations(page), horizontal_overflow(page) <= 0) == (language, [], True)

    page.get_by_role("button", name="Leave rehearsal mode…").click()
    expect(page.locator("main")).to_contain_text("1 scan is archived")
    page.get_by_role("button", name="Yes, go ahead").click()
    expect(page.locator("[data-desk-mode]")).to_have_attribute("data-desk-mode", "live")
    expect(page.locator(".messages")).to_contain_text("its scans are archived")
    assert RehearsalScan.objects.filter(rehearsal__ended_at__isnull=False).count() == 1
