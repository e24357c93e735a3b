"""The organizers' letters desk: list, issue, revoke (with confirmation), bulk downloads, private files."""

import io
import zipfile

import pytest
from pypdf import PdfReader

from tests.factories import UserFactory, applicant_input
from tests.visas.conftest import accepted_invitation
from visas import services
from visas.models import InvitingOrganization, VisaLetter

pytestmark = pytest.mark.django_db


def _desk(forum):
    return f"/organizer/forums/{forum.slug}/visa-letters/"


def test_visitors_and_staff_without_permission_are_kept_out(client, forum, organization):
    assert client.get(_desk(forum)).status_code == 302
    client.force_login(UserFactory(is_staff=True))
    assert client.get(_desk(forum)).status_code == 403


def test_desk_lists_requested_and_issued_letters_with_their_status(organizer_client, forum, ready_invitation):
    other = accepted_invitation(forum, first_name="Kenji", last_name="Sato", country="JP")
    services.save_applicant(invitation=other, **applicant_input(forum, consulate_country="JP", surname="Sato",
                                                                given_names="Kenji"))  # fmt: skip
    letter = services.issue_letter(invitation=ready_invitation)
    body = organizer_client.get(_desk(forum)).content.decode()
    assert letter.reference in body
    assert "Kenji Sato" in body and "status-requested" in body and "status-valid" in body
    filtered = organizer_client.get(_desk(forum) + "?country=JP").content.decode()
    assert "Kenji Sato" in filtered and letter.reference not in filtered


def test_desk_query_count_stays_constant_as_letters_grow(organizer_client, forum, organization,
                                                         django_assert_num_queries):  # fmt: skip
    def add(n):
        for _index in range(n):
            invitation = accepted_invitation(forum)
            services.save_applicant(invitation=invitation, **applicant_input(forum))
            services.issue_letter(invitation=invitation)

    add(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        organizer_client.get(_desk(forum))
    add(4)
    with django_assert_num_queries(len(first.captured_queries)):
        response = organizer_client.get(_desk(forum))
    assert response.content.decode().count("status-valid") == 5


def test_desk_warns_when_no_signatory_can_sign(organizer_client, forum, invitation):
    body = organizer_client.get(_desk(forum)).content.decode()
    assert "No inviting organization is set up" in body
    InvitingOrganization.objects.create(
        forum=forum, legal_name_az="A", legal_name_en="A", registration_number="1", legal_address_az="a",
        legal_address_en="a", phone="1", email="a@example.org", contact_name="A",
    )  # fmt: skip
    body = organizer_client.get(_desk(forum)).content.decode()
    assert "No signatory with a signature and a stamp" in body


def test_organizer_issues_sets_coverage_and_downloads_a_letter(organizer_client, forum, ready_invitation):
    url = f"{_desk(forum)}{ready_invitation.pk}/"
    response = organizer_client.post(url, {"action": "coverage", "travel": "organizers", "accommodation":
                                           "organizers", "meals": "speaker"})  # fmt: skip
    assert response.status_code == 302
    response = organizer_client.post(url, {"action": "issue"})
    assert response.status_code == 302
    letter = VisaLetter.objects.get()
    assert letter.issued_by is not None
    pdf = organizer_client.get(f"{_desk(forum)}letter/{letter.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "travel is covered by the organizers" in " ".join(
        PdfReader(io.BytesIO(pdf.getvalue())).pages[1].extract_text().split()
    )


def test_revoking_is_previewed_then_needs_a_reason(organizer_client, forum, ready_invitation):
    letter = services.issue_letter(invitation=ready_invitation)
    url = f"{_desk(forum)}letter/{letter.pk}/revoke/"
    preview = organizer_client.get(url)
    assert preview.status_code == 200 and "cannot be undone" in preview.content.decode()
    letter.refresh_from_db()
    assert letter.status == "valid"
    assert organizer_client.post(url, {"reason": ""}).status_code == 400
    assert organizer_client.post(url, {"reason": "Passport replaced."}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == "revoked"


def test_bulk_download_for_one_embassy_as_pdf_and_zip(organizer_client, forum, organization):
    letters = []
    for country in ("DE", "DE", "JP"):
        invitation = accepted_invitation(forum, country=country)
        services.save_applicant(invitation=invitation, **applicant_input(forum, consulate_country=country))
        letters.append(services.issue_letter(invitation=invitation))
    services.revoke_letter(letter=letters[1], reason="x")
    url = f"{_desk(forum)}download/?country=DE"
    merged = PdfReader(io.BytesIO(organizer_client.get(url + "&format=pdf").content))
    assert len(merged.pages) == 2  # one letter, two pages: the revoked one is left out
    archive = zipfile.ZipFile(io.BytesIO(organizer_client.get(url + "&format=zip").content))
    assert archive.namelist() == [f"{letters[0].reference}.pdf"]


def test_signatures_and_stamps_are_private(organizer_client, organization, settings):
    from django.test import Client

    client = Client()
    signatory = organization.signatories.get()
    assert settings.MEDIA_URL not in signatory.stamp.url
    assert str(settings.MEDIA_ROOT) not in signatory.stamp.path
    assert client.get(signatory.stamp.url).status_code == 302  # to the login page
    client.force_login(UserFactory(is_staff=True))
    assert client.get(signatory.stamp.url).status_code == 403
    response = organizer_client.get(signatory.stamp.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert organizer_client.get("/organizer/visa-files/visas/../../secret").status_code == 404
    assert client.get(f"/{settings.MEDIA_URL}{signatory.stamp.name}").status_code == 404


def test_behind_nginx_a_private_file_is_handed_to_its_internal_location_after_the_check(
    organizer_client, organization, settings
):
    from django.test import Client

    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_protected/"
    signatory = organization.signatories.get()
    response = organizer_client.get(signatory.stamp.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/{signatory.stamp.name}"
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert response.content == b""  # nginx sends the file, the web worker does not
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    refused = client.get(signatory.stamp.url)
    assert refused.status_code == 403
    assert "X-Accel-Redirect" not in refused


def test_behind_nginx_an_issued_letter_is_handed_to_the_internal_location_as_a_download(
    organizer_client, forum, ready_invitation, settings
):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_protected/"
    letter = services.issue_letter(invitation=ready_invitation)
    response = organizer_client.get(f"{_desk(forum)}letter/{letter.pk}.pdf")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/{letter.pdf.name}"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="visa-letter-{letter.reference}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content == b""
    # Without nginx in front, the same view streams the file itself.
    settings.PRIVATE_FILES_ACCEL_PREFIX = ""
    streamed = organizer_client.get(f"{_desk(forum)}letter/{letter.pk}.pdf")
    assert "X-Accel-Redirect" not in streamed
    assert streamed.getvalue() == letter.pdf.open("rb").read()


def test_bulk_download_with_no_valid_letter_says_so_on_the_desk(organizer_client, forum, organization):
    response = organizer_client.get(f"{_desk(forum)}download/?format=zip")
    assert response.status_code == 200
    assert "nothing to download" in response.content.decode()


def test_desk_flags_invitations_whose_cost_coverage_is_not_set(organizer_client, forum, ready_invitation):
    assert "coverage-unset" in organizer_client.get(_desk(forum)).content.decode()
    services.set_cost_coverage(invitation=ready_invitation, travel="speaker", accommodation="organizers",
                               meals="organizers")  # fmt: skip
    assert "coverage-unset" not in organizer_client.get(_desk(forum)).content.decode()
