"""The organizers' API for what the console sets up (inviting organization, signatories, arrival
information) and the speaker's passport data by token: the services' rules, the one error shape,
private images."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from speakers import services as speaker_services
from tests.factories import ForumFactory, UserFactory, applicant_input, inviting_organization
from tests.organizer.test_letterhead import ORGANIZATION
from visas import demo_images
from visas.models import ArrivalInfo, InvitingOrganization, Signatory, VisaApplicant, VisaLetter

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer_api(organizer):
    client = APIClient()
    client.force_authenticate(organizer)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def _organization_url(forum):
    return f"/api/v1/organizer/inviting-organizations/{forum.slug}/"


def _image(data=None, name="mark.png"):
    return SimpleUploadedFile(name, data or demo_images.signature_png(), content_type="image/png")


# --- the organization ---------------------------------------------------------------------------


def test_the_organization_is_put_read_and_patched(organizer_api, forum):
    assert organizer_api.get(_organization_url(forum)).status_code == 404
    created = organizer_api.put(_organization_url(forum), ORGANIZATION, format="json")
    assert created.status_code == 200, created.json()
    assert created.json()["forum"] == forum.slug and created.json()["registration_number"] == "1504872311"
    patched = organizer_api.patch(_organization_url(forum), {"contact_name": "Farid Guliyev"}, format="json")
    assert patched.status_code == 200 and patched.json()["legal_name_en"] == ORGANIZATION["legal_name_en"]
    assert InvitingOrganization.objects.get(forum=forum).contact_name == "Farid Guliyev"
    listed = organizer_api.get("/api/v1/organizer/inviting-organizations/", {"forum": forum.slug}).json()
    assert [row["forum"] for row in listed["results"]] == [forum.slug]


def test_an_incomplete_organization_is_refused_field_by_field(organizer_api, forum):
    response = organizer_api.patch(_organization_url(forum), {"legal_name_az": "Birlik"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and {"legal_name_en", "registration_number", "email"} <= set(body["fields"])
    bad = organizer_api.put(_organization_url(forum), {**ORGANIZATION, "email": "nope"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"email"}
    assert not InvitingOrganization.objects.exists()


def test_an_unknown_edition_is_404(organizer_api):
    assert organizer_api.put("/api/v1/organizer/inviting-organizations/nope/", ORGANIZATION).status_code == 404


def test_only_organizers_reach_the_setup_endpoints(forum):
    anonymous, attendee = APIClient(), APIClient()
    user = UserFactory()
    user.save()
    attendee.force_authenticate(user)
    for url in (
        _organization_url(forum),
        "/api/v1/organizer/signatories/",
        f"/api/v1/organizer/arrival-info/{forum.slug}/",
    ):
        assert anonymous.get(url).status_code == 401
        assert attendee.get(url).status_code == 403
        assert attendee.put(url, {}, format="json").status_code in {403, 405}


# --- signatories --------------------------------------------------------------------------------


def test_a_signatory_is_added_by_multipart_with_private_re_encoded_images(organizer_api, forum):
    refused = organizer_api.post(
        "/api/v1/organizer/signatories/",
        {"forum": forum.slug, "name": "X", "title_az": "Y", "title_en": "Z", "signature": _image(), "stamp": _image()},
        format="multipart",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "no_organization"
    organizer_api.put(_organization_url(forum), ORGANIZATION, format="json")
    response = organizer_api.post(
        "/api/v1/organizer/signatories/",
        {"forum": forum.slug, "name": "Rashad Aliyev", "title_az": "İcraçı direktor", "title_en": "Executive Director",
         "signature": _image(), "stamp": _image(demo_images.stamp_png())},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Rashad Aliyev" and body["forum"] == forum.slug
    assert "/organizer/visa-files/visas/signatories/" in body["signature_url"] and body["signature_url"].endswith(
        ".png"
    )
    assert "signature" not in body and "stamp" not in body  # the uploads are never echoed
    signatory = Signatory.objects.get()
    assert signatory.signature.name != "mark.png"
    # A change without images keeps them; a JSON body will do.
    patched = organizer_api.patch(f"/api/v1/organizer/signatories/{signatory.pk}/", {"position": 3}, format="json")
    assert patched.status_code == 200 and patched.json()["signature_url"] == body["signature_url"]
    listed = organizer_api.get("/api/v1/organizer/signatories/", {"forum": forum.slug}).json()
    assert [row["id"] for row in listed["results"]] == [signatory.pk]
    assert organizer_api.delete(f"/api/v1/organizer/signatories/{signatory.pk}/").status_code == 204
    assert not Signatory.objects.exists()


def test_a_bad_image_through_the_api_is_400_on_its_field(organizer_api, forum):
    inviting_organization(forum, with_signatory=False)
    response = organizer_api.post(
        "/api/v1/organizer/signatories/",
        {"forum": forum.slug, "name": "R", "title_az": "T", "title_en": "T", "signature": _image(),
         "stamp": _image(b"not an image at all", "stamp.png")},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["fields"] == {"stamp": ["Upload a JPEG, PNG or WebP image."]}
    assert not Signatory.objects.exists()


def test_a_signatory_without_images_is_refused(organizer_api, forum):
    inviting_organization(forum, with_signatory=False)
    response = organizer_api.post(
        "/api/v1/organizer/signatories/", {"forum": forum.slug, "name": "R", "title_az": "T", "title_en": "T"}
    )
    assert response.status_code == 400 and {"signature", "stamp"} <= set(response.json()["fields"])


# --- arrival information ------------------------------------------------------------------------


def test_arrival_information_takes_texts_per_language(organizer_api, forum):
    url = f"/api/v1/organizer/arrival-info/{forum.slug}/"
    assert organizer_api.get(url).status_code == 404
    response = organizer_api.put(
        url,
        {"venue_address": {"az": "Bakı Konqres Mərkəzi", "en": "Baku Congress Centre"}, "hotel_name": "Park Hotel",
         "contact_phone": "+994 50 555 01 01"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["venue_address"] == {"az": "Bakı Konqres Mərkəzi", "en": "Baku Congress Centre", "ru": "", "tr": ""}
    assert body["hotel_name"]["az"] == "Park Hotel"
    info = ArrivalInfo.objects.get(forum=forum)
    assert info.venue_address_en == "Baku Congress Centre"
    refused = organizer_api.patch(url, {"hotel_name": {"de": "Park Hotel"}}, format="json")
    assert refused.status_code == 400 and "hotel_name" in refused.json()["fields"]  # an unknown language


# --- the speaker's passport data, by token ------------------------------------------------------


@pytest.fixture
def accepted(forum):
    from tests.factories import InvitationFactory, SpeakerFactory

    invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory(country="DE", last_name_latin="Weber"))
    speaker_services.send_invitation(invitation=invitation)
    speaker_services.accept_invitation(invitation=invitation)
    return invitation, speaker_services.issue_token(invitation, invitation.accepted_at)


def _json_applicant(forum, **overrides):
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in applicant_input(forum, **overrides).items()
    }


def test_the_speaker_gives_passport_data_by_token_and_gets_the_letter(api, forum, accepted):
    invitation, token = accepted
    inviting_organization(forum)
    url = f"/api/v1/rsvp/{token}/visa-applicant/"
    before = api.get(url).json()
    assert before["saved"] is False and before["surname"] == "Weber" and before["letter_ready"] is False
    refused = api.put(url, _json_applicant(forum, given_names="Dr Anna", passport_number="x"), format="json")
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"given_names", "passport_number"}
    assert not VisaApplicant.objects.exists()
    saved = api.put(url, _json_applicant(forum, passport_number="c01x 00t-47"), format="json")
    assert saved.status_code == 200, saved.json()
    letter = VisaLetter.objects.get(invitation=invitation)
    body = saved.json()
    assert body["saved"] and body["letter_ready"] and body["letter_reference"] == letter.reference
    assert body["passport_number"] == "C01X00T47"  # one shape of the number everywhere
    pdf = api.get(f"/api/v1/rsvp/{token}/visa-letter/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_passport_data_before_accepting_is_409(api, forum):
    from tests.speakers.conftest import sent_invitation

    _invitation, token = sent_invitation(forum, country="DE")
    response = api.put(f"/api/v1/rsvp/{token}/visa-applicant/", _json_applicant(forum), format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_accepted"


def test_malformed_passport_data_is_400_never_500(api, forum, accepted):
    _invitation, token = accepted
    url = f"/api/v1/rsvp/{token}/visa-applicant/"
    for body in ({"birth_date": "yesterday"}, {"nationality": "XX"}, {"surname": ["a"]}, "not json"):
        response = api.put(url, body, format="json")
        assert response.status_code == 400, body


def test_other_editions_records_stay_apart(organizer_api):
    first, second = ForumFactory(), ForumFactory()
    inviting_organization(first)
    rows = organizer_api.get("/api/v1/organizer/signatories/", {"forum": second.slug}).json()["results"]
    assert rows == []
    assert organizer_api.get(_organization_url(second)).status_code == 404


def test_schema_documents_the_new_operations(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/organizer/inviting-organizations/{forum}/",
        "/api/v1/organizer/signatories/",
        "/api/v1/organizer/arrival-info/{forum}/",
        "/api/v1/organizer/invitations/{id}/visa-letter/",
        "/api/v1/rsvp/{token}/visa-applicant/",
        "/api/v1/rsvp/{token}/visa-letter/",
    ):
        assert path in schema["paths"], path
    upload = schema["paths"]["/api/v1/organizer/signatories/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
