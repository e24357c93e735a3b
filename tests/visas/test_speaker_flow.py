"""The speaker page as a guided flow: checklist states, the letter step (errors next to fields,
confirmation in view, download), arrival information, sessions in forum time."""

import datetime
import re

import pytest

from tests.factories import applicant_input, inviting_organization
from tests.speakers.conftest import make_panel, sent_invitation
from visas.models import ArrivalInfo, VisaApplicant, VisaLetter

pytestmark = pytest.mark.django_db


def _accepted(client, forum, **speaker):
    invitation, token = sent_invitation(forum, **speaker)
    client.post(f"/rsvp/{token}/", {"action": "respond", "attend": "yes"})
    invitation.refresh_from_db()
    return invitation, token


def _letter_post(forum, **overrides):
    data = {"action": "letter"}
    for name, value in applicant_input(forum, **overrides).items():
        data[f"visa-{name}"] = value.isoformat() if isinstance(value, datetime.date) else value
    return data


def _section(page, key):
    match = re.search(rf'<section id="{key}".*?</section>', page, re.S)
    assert match, f"no section {key}"
    return match.group(0)


def _checklist(page):
    items = re.findall(r'<li class="step step-([a-z_]+)">.*?(?:href="#|<span>)([^"<]*)', page, re.S)
    return items


def test_checklist_lists_the_six_steps_in_order_with_their_state(client, forum):
    _invitation, token = sent_invitation(forum, country="DE")
    page = client.get(f"/rsvp/{token}/").content.decode()
    states = [state for state, _title in _checklist(page)]
    assert states == ["todo", "todo", "locked", "locked", "optional", "locked"]
    client.post(f"/rsvp/{token}/", {"action": "respond", "attend": "yes"})
    page = client.get(f"/rsvp/{token}/").content.decode()
    states = [state for state, _title in _checklist(page)]
    assert states == ["done", "todo", "todo", "optional", "optional", "waiting"]


def test_letter_step_is_not_needed_for_a_speaker_from_the_host_country(client, forum):
    _invitation, token = _accepted(client, forum, country="AZ")
    page = client.get(f"/rsvp/{token}/").content.decode()
    assert "step-not_needed" in page
    assert '<section id="letter"' not in page


def test_letter_errors_are_shown_next_to_their_fields_and_nothing_is_saved(client, forum):
    invitation, token = _accepted(client, forum, country="DE")
    response = client.post(
        f"/rsvp/{token}/", _letter_post(forum, given_names="Dr Anna", passport_number="x", birth_place="")
    )
    assert response.status_code == 400
    section = _section(response.content.decode(), "letter")
    for field, text in [("given_names", "titles"), ("passport_number", "5 to 20"), ("birth_place", "required")]:
        block = re.search(rf'<div class="field has-error">\s*<label for="id_visa-{field}".*?</div>', section, re.S)
        assert block and text in block.group(0), field
    assert not VisaApplicant.objects.filter(invitation=invitation).exists()


def test_saved_letter_step_returns_to_the_step_with_the_confirmation_and_the_letter(client, forum):
    inviting_organization(forum)
    invitation, token = _accepted(client, forum, country="DE")
    response = client.post(f"/rsvp/{token}/", _letter_post(forum))
    assert response.status_code == 302
    assert response["Location"].endswith("#letter")
    page = client.get(response["Location"]).content.decode()
    section = _section(page, "letter")
    assert 'class="step-confirm success" role="status"' in section
    letter = VisaLetter.objects.get(invitation=invitation)
    assert letter.reference in section
    download = client.get(f"/rsvp/{token}/visa-support-letter.pdf")
    assert download["Content-Type"] == "application/pdf"
    assert letter.reference in download["Content-Disposition"]
    assert ("done", "letter") in _checklist(page)


def test_without_a_signing_organization_the_step_waits_for_the_organizers(client, forum):
    _invitation, token = _accepted(client, forum, country="DE")
    response = client.post(f"/rsvp/{token}/", _letter_post(forum), follow=True)
    page = response.content.decode()
    assert "step-waiting" in page
    assert "The organizers will prepare your letter" in _section(page, "letter")
    assert client.get(f"/rsvp/{token}/visa-support-letter.pdf").status_code == 302


def test_letter_download_with_a_bad_link_gets_the_invalid_link_page(client, forum):
    response = client.get("/rsvp/not-a-token/visa-support-letter.pdf")
    assert response.status_code == 404

    def without_csrf(body):
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body).replace(
            b"/visa-support-letter.pdf", b"/"
        )

    assert without_csrf(response.content) == without_csrf(client.get("/rsvp/not-a-token/").content)


def test_arrival_information_entered_by_organizers_is_shown(client, forum):
    ArrivalInfo.objects.create(
        forum=forum,
        hotel_name_en="Boulevard Hotel",
        hotel_address_en="Neftchilar Avenue 5",
        venue_address_en="Baku Congress Centre, 1 Heydar Aliyev Avenue",
        arrival_instructions_en="A driver with a forum sign meets you at GYD arrivals.",
        contact_phone="+994 50 555 01 02",
    )
    _invitation, token = _accepted(client, forum, country="DE", preferred_language="en")
    section = _section(client.get(f"/rsvp/{token}/").content.decode(), "arrival")
    for text in ("Boulevard Hotel", "Neftchilar Avenue 5", "Baku Congress Centre", "GYD arrivals", "+994 50 555"):
        assert text in section


def test_sessions_are_shown_in_forum_time_with_the_zone_named(client, forum):
    invitation, token = sent_invitation(forum, country="DE", preferred_language="en")
    panel = make_panel(forum, hour=10)
    from speakers import services as speaker_services

    speaker_services.offer_panel(invitation=invitation, panel=panel)
    client.post(f"/rsvp/{token}/", {"action": "respond", "attend": "yes", f"panel_{panel.pk}": "yes"})
    section = _section(client.get(f"/rsvp/{token}/").content.decode(), "sessions")
    assert "10:00–11:00 (Asia/Baku)" in section
