"""The check-in desk: an organizer logs in, types a badge code, and a second scan is refused
with the time of the first."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from registration import services as registration_services
from registration.models import Registration
from tests.e2e.conftest import log_in
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
    first_time = registration_services.local_time(forum, attendee.checked_in_at)
    with translation.override("az"):
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
