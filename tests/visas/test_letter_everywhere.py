"""Every place that once gave the English-only letter now gives the bilingual one: the thanks
message's attachment, the organizers' page of an invitation, the speaker's /rsvp/<token>/visa-letter.pdf,
and the API (organizers' and the speaker's). Each refuses a letter that is not ready with a message
saying what is missing: a redirect with the message on pages, 409 in the API, never a 500; the
thanks message then simply leaves without it."""

import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from notifications.models import OutboxMessage
from notifications.services import deliver
from speakers import services as speaker_services
from tests.factories import UserFactory, applicant_input
from visas import services
from visas.models import InvitingOrganization, Signatory, VisaLetter

pytestmark = pytest.mark.django_db

AZ_TITLE = "Viza üçün dəvət məktubu"
EN_TITLE = "Letter of invitation for a visa"


def assert_bilingual_letter(pdf, invitation):
    """Both pages: the Azerbaijani one, then the English one, each with the valid letter's
    reference, the signatory and the applicant."""
    if not isinstance(pdf, bytes):  # a file response (the letter is a private file)
        pdf = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert pdf.startswith(b"%PDF")
    az, en = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    letter = VisaLetter.objects.get(invitation=invitation, revoked_at__isnull=True, superseded_by__isnull=True)
    assert AZ_TITLE in az and EN_TITLE in en
    assert "Azərbaycan Respublikasının" in " ".join(az.split())
    assert "To the Embassy of the Republic of Azerbaijan" in " ".join(en.split())
    for page in (az, en):
        assert letter.reference in page
        assert "Elnur Mammadov" in page
        assert "WEBER" in page and "C01X00T47" in page
    return letter


def _token(invitation):
    return speaker_services.issue_token(invitation, timezone.now())


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def organizer_api(organizer):
    client = APIClient()
    client.force_authenticate(organizer)
    return client


# What keeps a letter from being issued, and what the message then says.
NOT_READY = {
    "no_applicant": "passport data is missing",
    "no_signatory": "No signatory with a signature and a stamp",
    "no_organization": "inviting organization is not set up",
    "declined": "The invitation is not accepted",
}


@pytest.fixture(params=sorted(NOT_READY))
def not_ready(request, forum, invitation, organization):
    """An invitation whose letter cannot be issued, and the words the refusal must contain."""
    case = request.param
    if case != "no_applicant":
        services.save_applicant(invitation=invitation, **applicant_input(forum))
    if case == "no_signatory":
        Signatory.objects.all().delete()
    elif case == "no_organization":
        InvitingOrganization.objects.all().delete()
    elif case == "declined":
        speaker_services.decline_invitation(invitation=invitation)
    invitation.refresh_from_db()
    return invitation, NOT_READY[case]


# --- 1. the thanks message ----------------------------------------------------------------------


def _schedule_mail(invitation):
    """Decline and accept again: the thanks message (with the schedule) is queued and delivered."""
    speaker_services.decline_invitation(invitation=invitation)
    speaker_services.accept_invitation(invitation=invitation)
    message = OutboxMessage.objects.filter(kind="speaker_schedule").order_by("-id").first()
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT, message.last_error
    return mail.outbox[-1]


def test_the_thanks_message_carries_the_bilingual_letter(ready_invitation):
    sent = _schedule_mail(ready_invitation)
    [(name, pdf)] = [(name, content) for name, content, _type in sent.attachments if name.endswith(".pdf")]
    letter = assert_bilingual_letter(pdf, ready_invitation)
    assert name == f"visa-letter-{letter.reference}.pdf"


def test_the_thanks_message_goes_without_a_letter_that_is_not_ready(invitation, organization):
    sent = _schedule_mail(invitation)  # no passport data yet
    assert [name for name, _c, _t in sent.attachments if name.endswith(".pdf")] == []
    message = OutboxMessage.objects.filter(kind="speaker_schedule").order_by("-id").first()
    assert [a["builder"] for a in message.attachments] == ["speakers.attachments.speaker_schedule_ics"]


def test_a_letter_that_stops_being_ready_before_the_mail_leaves_is_left_out(ready_invitation):
    speaker_services.decline_invitation(invitation=ready_invitation)
    speaker_services.accept_invitation(invitation=ready_invitation)
    message = OutboxMessage.objects.filter(kind="speaker_schedule").order_by("-id").first()
    assert "visas.attachments.visa_letter_pdf" in [a["builder"] for a in message.attachments]
    Signatory.objects.all().delete()  # between queueing and delivery
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert [name for name, _c, _t in mail.outbox[-1].attachments if name.endswith(".pdf")] == []


# --- 2. the organizers' page of an invitation ---------------------------------------------------


def _invitation_page(forum, invitation):
    return f"/organizer/forums/{forum.slug}/speakers/{invitation.pk}/"


def test_the_organizers_invitation_page_links_the_bilingual_letter(organizer_client, forum, ready_invitation):
    page = organizer_client.get(_invitation_page(forum, ready_invitation)).content.decode()
    section = re.search(r'<section id="visa-letter".*?</section>', page, re.S).group(0)
    assert "C01X00T47" in section and "Germany" in section
    link = re.search(r'href="([^"]+/visa-letter\.pdf)"', section).group(1)
    assert link == f"/organizer/forums/{forum.slug}/speakers/{ready_invitation.pk}/visa-letter.pdf"
    response = organizer_client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    letter = assert_bilingual_letter(response, ready_invitation)
    assert letter.issued_by.is_staff
    # The same address again: the same letter, not a new one.
    assert organizer_client.get(link).status_code == 200
    assert VisaLetter.objects.filter(invitation=ready_invitation).count() == 1
    page = organizer_client.get(_invitation_page(forum, ready_invitation)).content.decode()
    assert letter.reference in page


def test_the_organizers_page_says_why_there_is_no_letter(organizer_client, forum, not_ready):
    invitation, words = not_ready
    organizer_client.cookies["django_language"] = "en"
    page = organizer_client.get(_invitation_page(forum, invitation)).content.decode()
    section = re.search(r'<section id="visa-letter".*?</section>', page, re.S).group(0)
    assert words in section and "visa-letter.pdf" not in section
    response = organizer_client.get(f"{_invitation_page(forum, invitation)}visa-letter.pdf", follow=True)
    assert response.redirect_chain == [(_invitation_page(forum, invitation), 302)]
    assert response.status_code == 200 and words in response.content.decode()
    assert not VisaLetter.objects.filter(invitation=invitation, revoked_at__isnull=True).exists()


def test_only_organizers_reach_an_invitations_letter(client, forum, ready_invitation):
    url = f"{_invitation_page(forum, ready_invitation)}visa-letter.pdf"
    assert client.get(url).status_code == 302  # to the sign-in page
    user = UserFactory()
    user.save()
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert not VisaLetter.objects.exists()


# --- 3. the speaker's link ----------------------------------------------------------------------


def test_the_speakers_letter_address_gives_the_bilingual_letter(client, ready_invitation):
    token = _token(ready_invitation)
    for address in (f"/rsvp/{token}/visa-letter.pdf", f"/rsvp/{token}/visa-support-letter.pdf"):
        response = client.get(address)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        assert_bilingual_letter(response, ready_invitation)
    assert VisaLetter.objects.filter(invitation=ready_invitation).count() == 1


def test_the_speakers_letter_address_sends_back_to_the_letter_step_with_the_reason(client, not_ready):
    invitation, words = not_ready
    token = _token(invitation)  # a declined speaker's link still opens their page
    response = client.get(f"/rsvp/{token}/visa-letter.pdf", follow=True)
    assert response.redirect_chain == [(f"/rsvp/{token}/#letter", 302)]
    assert response.status_code == 200
    assert "Your visa support letter is not ready yet" in response.content.decode()
    assert words in response.content.decode()


def test_a_bad_link_to_the_letter_gets_the_one_answer_for_bad_links(client, forum):
    response = client.get("/rsvp/not-a-token/visa-letter.pdf")
    assert response.status_code == 404

    def without_csrf(body):
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body).replace(b"/visa-letter.pdf", b"/")

    assert without_csrf(response.content) == without_csrf(client.get("/rsvp/not-a-token/").content)


# --- 4. the API ---------------------------------------------------------------------------------


def test_the_organizers_api_gives_the_bilingual_letter(organizer_api, ready_invitation):
    response = organizer_api.get(f"/api/v1/organizer/invitations/{ready_invitation.pk}/visa-letter/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_bilingual_letter(response, ready_invitation)


def test_the_speakers_api_gives_the_bilingual_letter(api, ready_invitation):
    response = api.get(f"/api/v1/rsvp/{_token(ready_invitation)}/visa-letter/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_bilingual_letter(response, ready_invitation)


def test_the_api_refuses_a_letter_that_is_not_ready_with_409_and_the_reason(api, organizer_api, not_ready):
    invitation, words = not_ready
    for client, url in (
        (organizer_api, f"/api/v1/organizer/invitations/{invitation.pk}/visa-letter/"),
        (api, f"/api/v1/rsvp/{_token(invitation)}/visa-letter/"),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 409, (url, response.content[:200])
        body = response.json()
        assert body["code"] == "letter_unavailable" and words in body["detail"]


def test_the_api_letter_of_an_unknown_invitation_or_link_is_404(api, organizer_api):
    assert organizer_api.get("/api/v1/organizer/invitations/999999/visa-letter/").status_code == 404
    assert api.get("/api/v1/rsvp/not-a-token/visa-letter/").status_code == 404
