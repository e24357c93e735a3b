"""A foreign expert on a phone fills in the visa letter step, sees the errors next to the fields,
corrects them, lands back on the step with the confirmation in view, downloads the letter, and a
consulate opens the address printed under its QR code."""

import datetime
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from speakers import services as speaker_services
from tests.factories import ForumFactory, InvitationFactory, SpeakerFactory, inviting_organization
from visas.models import VisaLetter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def en(text):
    with translation.override("en"):
        return translation.gettext(text)


@pytest.fixture
def accepted(live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    forum = ForumFactory()
    inviting_organization(forum)
    speaker = SpeakerFactory(first_name="Katrin", last_name="Vogel", country="DE", preferred_language="en")
    invitation = InvitationFactory(forum=forum, speaker=speaker)
    speaker_services.send_invitation(invitation=invitation)
    speaker_services.accept_invitation(invitation=invitation)
    token = speaker_services.issue_token(invitation, invitation.accepted_at)
    return {"forum": forum, "invitation": invitation, "url": f"{live_server.url}/rsvp/{token}/"}


def test_expert_gets_a_verifiable_letter_from_the_guided_page(page, accepted, live_server):
    forum = accepted["forum"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(accepted["url"])
    checklist = page.locator(".checklist")
    expect(checklist.locator(".step-optional", has_text=en("Visa support letter"))).to_be_visible()
    checklist.get_by_role("link", name=en("Visa support letter")).click()

    step = page.locator("#letter")
    step.locator("#id_visa-surname").fill("Vogel")
    step.locator("#id_visa-given_names").fill("Dr Katrin")
    step.locator("#id_visa-birth_date").fill("1984-05-02")
    step.locator("#id_visa-birth_place").fill("Leipzig")
    step.locator("#id_visa-nationality").select_option("DE")
    step.locator("#id_visa-passport_number").fill("c4f 1x 9ab2")
    step.locator("#id_visa-passport_issued_on").fill("2022-01-10")
    departure = forum.end_date + datetime.timedelta(days=1)
    step.locator("#id_visa-passport_expires_on").fill((departure + datetime.timedelta(days=30)).isoformat())
    step.locator("#id_visa-passport_authority").fill("Stadt Leipzig")
    step.locator("#id_visa-arrival_date").fill((forum.start_date - datetime.timedelta(days=1)).isoformat())
    step.locator("#id_visa-departure_date").fill(departure.isoformat())
    step.locator("#id_visa-consulate_country").select_option("DE")
    step.get_by_role("button", name=en("Save and prepare my letter")).click()

    # Back on the step, each error beside its field; nothing issued.
    expect(page).to_have_url(re.compile(r"#letter$"))
    step = page.locator("#letter")
    expect(step.locator(".field.has-error")).to_have_count(2)
    expect(step.locator(".has-error", has=page.locator("#id_visa-given_names"))).to_contain_text("titles")
    expect(step.locator(".has-error", has=page.locator("#id_visa-passport_expires_on"))).to_contain_text("3 months")
    assert not VisaLetter.objects.exists()

    step.locator("#id_visa-given_names").fill("Katrin")
    step.locator("#id_visa-passport_expires_on").fill("2034-01-09")
    step.get_by_role("button", name=en("Save and prepare my letter")).click()

    expect(page).to_have_url(re.compile(r"/rsvp/[A-Za-z0-9_-]+/#letter$"))
    confirmation = page.locator("#letter .step-confirm")
    expect(confirmation).to_be_visible()
    expect(confirmation).to_be_in_viewport()
    letter = VisaLetter.objects.get()
    expect(page.locator("#letter")).to_contain_text(letter.reference)
    expect(page.locator(".checklist .step-done", has_text=en("Visa support letter"))).to_be_visible()

    with page.expect_download() as download:
        page.locator("#letter").get_by_role("link", name=en("Download your visa support letter (PDF)")).click()
    assert download.value.suggested_filename == f"visa-letter-{letter.reference}.pdf"

    page.goto(f"{live_server.url}/v/{letter.code}")
    expect(page.locator("h1")).to_have_attribute("data-status", "valid")
    expect(page.locator("main")).to_contain_text("K.V.")
    expect(page.locator("main")).to_contain_text("AB2")
    expect(page.locator("main")).not_to_contain_text("Vogel")
