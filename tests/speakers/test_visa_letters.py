import datetime
import io

import pytest
from pypdf import PdfReader

from speakers import services
from speakers.errors import SpeakerError
from speakers.models import VisaLetter, VisaLetterLog
from tests.speakers.conftest import sent_invitation

pytestmark = pytest.mark.django_db


def _ready(forum, **speaker):
    invitation, token = sent_invitation(
        forum, first_name="Ingrid", last_name="Halvorsen", country="NO", honorific="dr", **speaker
    )
    services.accept_invitation(invitation=invitation)
    services.update_travel(
        invitation=invitation,
        nationality="NO",
        needs_visa_letter=True,
        passport_number="nx 4471 902",
        passport_expiry=forum.end_date + datetime.timedelta(days=800),
        arrival_date=forum.start_date - datetime.timedelta(days=1),
        departure_date=forum.end_date + datetime.timedelta(days=1),
    )
    invitation.refresh_from_db()
    return invitation, token


def _text(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_letter_names_the_expert_with_passport_dates_and_reference(forum, settings):
    settings.VISA_LETTER_SIGNER = "Elnur Mammadov, Chair of the Organizing Committee"
    invitation, _token = _ready(forum)
    letter, pdf = services.produce_visa_letter(invitation=invitation, channel=VisaLetterLog.Channel.ORGANIZER)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "Ingrid Halvorsen" in text
    assert "NX4471902" in text
    assert "Norway" in text
    assert "Elnur Mammadov" in text
    assert letter.reference == f"NCF-{letter.year}-0001"
    assert letter.reference in text
    arrival = invitation.arrival_date
    assert f"{arrival.day} {arrival:%B %Y}" in text


def test_same_details_keep_the_reference_changed_details_get_a_new_one_and_every_production_is_logged(forum, organizer):
    invitation, _token = _ready(forum)
    first, _pdf = services.produce_visa_letter(invitation=invitation, channel=VisaLetterLog.Channel.RSVP)
    again, _pdf = services.produce_visa_letter(
        invitation=invitation, channel=VisaLetterLog.Channel.ORGANIZER, by=organizer
    )
    assert again.pk == first.pk
    services.update_travel(invitation=invitation, passport_number="NX0000001")
    changed, pdf = services.produce_visa_letter(invitation=invitation, channel=VisaLetterLog.Channel.RSVP)
    assert changed.reference != first.reference and changed.number == first.number + 1
    assert "NX0000001" in _text(pdf)
    log = list(VisaLetterLog.objects.order_by("id").values_list("letter__reference", "channel", "produced_by"))
    assert log == [
        (first.reference, "rsvp", None),
        (first.reference, "organizer", organizer.pk),
        (changed.reference, "rsvp", None),
    ]


def test_expert_downloads_the_letter_from_the_rsvp_page(client, forum):
    _invitation, token = _ready(forum)
    response = client.get(f"/rsvp/{token}/visa-letter.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Ingrid Halvorsen" in _text(response.content)


def test_organizer_downloads_the_letter_and_strangers_cannot(organizer_client, forum):
    from django.test import Client

    from tests.factories import UserFactory

    invitation, _token = _ready(forum)
    url = f"/organizer/forums/{forum.slug}/speakers/{invitation.pk}/visa-letter.pdf"
    assert Client().get(url).status_code == 302  # to the login page
    attendee = Client()
    user = UserFactory()
    user.save()  # the factory sets the password without saving it
    attendee.force_login(user)
    assert attendee.get(url).status_code == 403
    assert not VisaLetterLog.objects.exists()
    response = organizer_client.get(url)
    assert response.status_code == 200
    assert "NX4471902" in _text(response.content)
    assert VisaLetterLog.objects.get().produced_by.is_staff


def test_no_letter_without_a_request_and_passport(forum):
    invitation, _token = sent_invitation(forum)
    services.accept_invitation(invitation=invitation)
    with pytest.raises(SpeakerError) as caught:
        services.produce_visa_letter(invitation=invitation, channel=VisaLetterLog.Channel.RSVP)
    assert caught.value.code == "letter_unavailable"
    assert not VisaLetter.objects.exists()
