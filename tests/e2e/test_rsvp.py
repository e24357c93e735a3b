"""An invited expert answers through the emailed link: accepts the forum and a panel, gives
travel and visa details, and finds them again; a wrong link gets the one friendly page."""

import datetime
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from notifications.models import OutboxMessage
from panels.models import Participation
from speakers import services as speaker_services
from speakers.models import Invitation
from tests.factories import ForumFactory, InvitationFactory, RoomFactory, SpeakerFactory
from tests.panels.conftest import placed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def en(text):
    with translation.override("en"):
        return translation.gettext(text)


@pytest.fixture
def invited(live_server, mailoutbox):
    """A German expert invited to a forum and offered one published panel; the emailed link."""
    forum = ForumFactory()
    panel = placed(
        forum, RoomFactory(forum=forum, name="Main Hall"), 0, "11:00", "12:00", publish=True,
        title={"az": "Təchizat zənciri hücumları", "en": "Supply-chain attacks"},
    )  # fmt: skip
    speaker = SpeakerFactory(first_name="Katrin", last_name="Vogel", country="DE", preferred_language="en")
    invitation = InvitationFactory(forum=forum, speaker=speaker)
    speaker_services.offer_panel(invitation=invitation, panel=panel)
    speaker_services.send_invitation(invitation=invitation)
    # The link as the expert receives it: the outbox keeps no copy once the mail has gone.
    assert OutboxMessage.objects.get(kind="speaker_invitation", recipient=speaker.email).state == "sent"
    bodies = [mail.body for mail in mailoutbox if speaker.email in mail.to]
    match = re.search(rf"{re.escape(live_server.url)}/rsvp/[A-Za-z0-9_-]+/", bodies[-1])
    assert match, bodies[-1]
    rsvp_url = match.group(0)
    return {"forum": forum, "panel": panel, "invitation": invitation, "url": rsvp_url}


def test_expert_accepts_gives_travel_details_and_finds_them_again(page, invited):
    forum, panel, invitation = invited["forum"], invited["panel"], invited["invitation"]
    page.goto(invited["url"])
    assert page.locator("html").get_attribute("lang") == "en"  # the expert's language, not the site default
    assert page.locator("h1").inner_text() == forum.name_en
    assert page.locator("#travel").count() == 0  # travel details come after accepting

    page.check("#respond input[name=attend][value=yes]")
    page.check(f"#respond input[name=panel_{panel.pk}][value=yes]")
    page.locator("#respond button[type=submit]").click()
    expect(page.locator(".messages li.success")).to_have_text(en("Thank you! We look forward to welcoming you."))
    expect(page.locator("p.state")).to_contain_text(en("You accepted. Thank you!"))
    expect(page.locator("#sessions")).to_contain_text("Supply-chain attacks")
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED
    assert Participation.objects.filter(panel=panel, speaker=invitation.speaker).exists()

    arrival = forum.start_date - datetime.timedelta(days=1)
    departure = forum.end_date + datetime.timedelta(days=1)
    travel = page.locator("#travel")
    travel.locator("#id_arrival_date").fill(arrival.isoformat())
    travel.locator("#id_arrival_flight").fill("LH 2660")
    travel.locator("#id_departure_date").fill(departure.isoformat())
    travel.locator("#id_departure_flight").fill("LH 2661")
    travel.locator("#id_accommodation").select_option("hotel")
    travel.locator("#id_needs_visa_letter").check()
    # The passport is asked once, in the letter step: the travel step only points there.
    expect(travel.locator("#id_passport_number")).to_have_count(0)
    expect(travel.locator("#id_nationality")).to_have_count(0)
    expect(travel.locator(".passport-elsewhere a[href='#letter']")).to_be_visible()
    travel.locator("button[type=submit]").click()
    expect(page.locator(".messages li.success")).to_have_text(en("Your travel details are saved."))
    expect(page).to_have_url(re.compile(r"/rsvp/[A-Za-z0-9_-]{43}/#travel$"))

    page.reload()
    assert page.locator("#respond input[name=attend][value=yes]").is_checked()
    assert page.locator(f"#respond input[name=panel_{panel.pk}][value=yes]").is_checked()
    assert page.locator("#id_arrival_date").input_value() == arrival.isoformat()
    assert page.locator("#id_arrival_flight").input_value() == "LH 2660"
    assert page.locator("#id_departure_date").input_value() == departure.isoformat()
    assert page.locator("#id_accommodation").input_value() == "hotel"
    assert page.locator("#id_needs_visa_letter").is_checked()
    # The letter step asks the passport, starting from the stay given here.
    page.locator("#travel .passport-elsewhere a[href='#letter']").click()
    expect(page.locator("#letter #id_visa-passport_number")).to_be_in_viewport()
    expect(page.locator("#letter #id_visa-arrival_date")).to_have_value(arrival.isoformat())
    invitation.refresh_from_db()
    assert (invitation.arrival_flight, invitation.passport_number) == ("LH 2660", "")


def test_expert_can_answer_in_another_language_and_stays_on_the_invitation(page, invited):
    page.goto(invited["url"])
    page.get_by_role("button", name="RU", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert page.url == invited["url"]
    with translation.override("ru"):
        assert page.locator("#respond h2").inner_text() == translation.gettext("Your answer")


def test_a_wrong_or_tampered_link_shows_the_same_friendly_page(live_server, page, invited):
    valid = invited["url"]
    token = valid.rstrip("/").rsplit("/", 1)[1]
    tampered = f"{live_server.url}/rsvp/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/"
    pages = []
    for url in (f"{live_server.url}/rsvp/not-a-real-link/", tampered):
        response = page.goto(url)
        assert response.status == 404
        pages.append((page.locator("h1").inner_text(), page.locator("main").inner_text()))
    assert pages[0] == pages[1]
    with translation.override("az"):
        assert pages[0][0] == translation.gettext("This link does not open an invitation")
    assert invited["invitation"].speaker.last_name not in pages[0][1]
