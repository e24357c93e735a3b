"""The inviting organization, its signatories and the arrival information, set up in the console
instead of the admin: forms checked on the server, images through the upload rule and kept
private, the list page at a constant number of queries, and every page in the four languages."""

import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image, PngImagePlugin

from speakers import services as speaker_services
from tests.factories import InvitationFactory, SpeakerFactory, UserFactory, applicant_input, inviting_organization
from visas import demo_images
from visas import services as visa_services
from visas.models import ArrivalInfo, InvitingOrganization, Signatory, VisaLetter

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(client, organizer):
    organizer.save()
    client.force_login(organizer)
    client.cookies["django_language"] = "en"
    return client


def _url(name, forum, *args):
    return reverse(f"organizer:{name}", args=[forum.slug, *args])


ORGANIZATION = {
    "legal_name_az": "Milli Kibertəhlükəsizlik Forumu İctimai Birliyi",
    "legal_name_en": "National Cybersecurity Forum Public Union",
    "registration_number": "1504872311",
    "legal_address_az": "AZ1000, Bakı şəhəri, Nizami küçəsi 10",
    "legal_address_en": "10 Nizami Street, Baku AZ1000, Azerbaijan",
    "phone": "+994 12 555 01 00",
    "email": "visa@cyberforum.az",
    "website": "https://cyberforum.az",
    "contact_name": "Leyla Hasanova",
    "contact_phone": "+994 50 555 01 01",
    "contact_email": "leyla@cyberforum.az",
}


def _png(data=None, name="mark.png"):
    return SimpleUploadedFile(name, data or demo_images.signature_png(), content_type="image/png")


def _signatory_post(**overrides):
    data = {
        "name": "Rashad Aliyev",
        "title_az": "İcraçı direktor",
        "title_en": "Executive Director",
        "is_active": "on",
        "position": "0",
        "signature": _png(),
        "stamp": _png(demo_images.stamp_png(), "stamp.png"),
    }
    data.update(overrides)
    return data


# --- access -------------------------------------------------------------------------------------


def test_only_organizers_open_the_setup_pages(client, forum):
    urls = [
        _url("letters-setup", forum),
        _url("letters-organization", forum),
        _url("letters-signatory-new", forum),
        _url("letters-arrival", forum),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the sign-in page
    user = UserFactory()
    user.save()
    stranger = Client()
    stranger.force_login(user)
    for url in urls:
        assert stranger.get(url).status_code == 403
        assert stranger.post(url, ORGANIZATION).status_code == 403
    assert not InvitingOrganization.objects.exists()


def test_the_setup_page_is_in_the_console_navigation(console, forum):
    page = console.get(_url("dashboard", forum)).content.decode()
    assert f'href="{_url("letters-setup", forum)}"' in page
    page = console.get(_url("letters-setup", forum)).content.decode()
    assert re.search(rf'href="{_url("letters-setup", forum)}" aria-current="page"', page)


# --- the organization ---------------------------------------------------------------------------


def test_the_organization_is_set_up_and_changed_from_the_console(console, forum):
    page = console.get(_url("letters-setup", forum)).content.decode()
    assert 'data-warning="organization"' in page
    response = console.post(_url("letters-organization", forum), ORGANIZATION)
    assert response.status_code == 302 and response["Location"] == _url("letters-setup", forum)
    organization = InvitingOrganization.objects.get(forum=forum)
    assert organization.legal_name_az == ORGANIZATION["legal_name_az"] and organization.contact_name == "Leyla Hasanova"
    page = console.get(_url("letters-setup", forum)).content.decode()
    assert "1504872311" in page and 'data-warning="signatory"' in page

    form = console.get(_url("letters-organization", forum)).content.decode()
    assert 'value="1504872311"' in form
    console.post(_url("letters-organization", forum), {**ORGANIZATION, "phone": "+994 12 555 09 09"})
    organization.refresh_from_db()
    assert organization.phone == "+994 12 555 09 09"
    assert InvitingOrganization.objects.count() == 1


def test_an_invalid_organization_is_refused_next_to_its_fields(console, forum):
    response = console.post(
        _url("letters-organization", forum), {**ORGANIZATION, "legal_name_az": "", "email": "not-an-address"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("legal_name_az", "email"):
        assert re.search(rf'<div class="field has-error">\s*<label for="id_{field}"', html), field
    assert not InvitingOrganization.objects.exists()


# --- signatories --------------------------------------------------------------------------------


def test_a_signatory_needs_the_organization_first(console, forum):
    response = console.get(_url("letters-signatory-new", forum), follow=True)
    assert response.redirect_chain[-1][0] == _url("letters-organization", forum)
    assert "Set up the inviting organization before adding a signatory." in response.content.decode()


def test_a_signatory_is_added_with_images_kept_private_and_re_encoded(console, forum):
    visa_services.save_organization(forum=forum, **ORGANIZATION)
    # A PNG with a text chunk (metadata) and transparency.
    image = Image.open(io.BytesIO(demo_images.signature_png()))
    meta = PngImagePlugin.PngInfo()
    meta.add_text("Author", "secret-scanner-owner")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=meta)
    response = console.post(_url("letters-signatory-new", forum), _signatory_post(signature=_png(buffer.getvalue())))
    assert response.status_code == 302, response.context["form"].errors
    signatory = Signatory.objects.get()
    for field in (signatory.signature, signatory.stamp):
        assert field.name.startswith("visas/signatories/") and field.name.endswith(".png")
        assert "mark" not in field.name and "stamp.png" not in field.name  # a random name, never the upload's
        path = settings.PRIVATE_MEDIA_ROOT / field.name
        assert path.exists() and not (settings.MEDIA_ROOT / field.name).exists()
        stored = Image.open(path)
        assert stored.format == "PNG" and stored.mode == "RGBA"  # transparency kept
        assert "Author" not in stored.info and b"secret-scanner-owner" not in path.read_bytes()
    assert field.url.startswith("/organizer/visa-files/")
    # The setup page shows both images, from the organizers-only address.
    page = console.get(_url("letters-setup", forum)).content.decode()
    assert signatory.signature.url in page and "data-signing" in page and "data-warning" not in page
    assert console.get(signatory.signature.url).status_code == 200
    assert Client().get(signatory.signature.url).status_code == 302


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"%PDF-1.4 not an image", "Upload a JPEG, PNG or WebP image."),
        (b"GIF89a" + b"\x00" * 40, "Upload a JPEG, PNG or WebP image."),
    ],
)
def test_a_bad_image_is_refused_next_to_its_field(console, forum, upload, message):
    visa_services.save_organization(forum=forum, **ORGANIZATION)
    response = console.post(_url("letters-signatory-new", forum), _signatory_post(stamp=_png(upload, "stamp.png")))
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<div class="field has-error">\s*<label for="id_stamp"', html)
    assert message in html
    assert not Signatory.objects.exists()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow's own note of the same limit
def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(console, forum):
    visa_services.save_organization(forum=forum, **ORGANIZATION)
    buffer = io.BytesIO()
    Image.new("1", (4000, 4000)).save(buffer, "PNG")  # 16 megapixels in a few kilobytes
    response = console.post(_url("letters-signatory-new", forum), _signatory_post(signature=_png(buffer.getvalue())))
    assert response.status_code == 400 and "too many pixels" in response.content.decode()


def test_a_missing_image_is_refused(console, forum):
    visa_services.save_organization(forum=forum, **ORGANIZATION)
    data = _signatory_post()
    del data["stamp"]
    response = console.post(_url("letters-signatory-new", forum), data)
    assert response.status_code == 400
    assert not Signatory.objects.exists()


def test_changing_a_signatory_keeps_its_images_unless_new_ones_come(console, forum, django_capture_on_commit_callbacks):
    organization = inviting_organization(forum)
    signatory = organization.signatories.get()
    old_signature, old_stamp = signatory.signature.name, signatory.stamp.name
    url = _url("letters-signatory", forum, signatory.pk)
    data = {"name": "Elnur Mammadov", "title_az": "Sədr", "title_en": "Chair", "position": "2", "is_active": "on"}
    assert console.post(url, data).status_code == 302
    signatory.refresh_from_db()
    assert (signatory.title_en, signatory.position) == ("Chair", 2)
    assert (signatory.signature.name, signatory.stamp.name) == (old_signature, old_stamp)

    with django_capture_on_commit_callbacks(execute=True):
        assert console.post(url, {**data, "signature": _png()}).status_code == 302
    signatory.refresh_from_db()
    assert signatory.signature.name != old_signature and signatory.stamp.name == old_stamp
    assert not (settings.PRIVATE_MEDIA_ROOT / old_signature).exists()  # the replaced file goes


def test_removing_a_signatory_is_confirmed_first_and_issued_letters_keep_their_signature(
    console, forum, django_capture_on_commit_callbacks
):
    organization = inviting_organization(forum)
    signatory = organization.signatories.get()
    invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory(country="DE"))
    speaker_services.send_invitation(invitation=invitation)
    speaker_services.accept_invitation(invitation=invitation)
    visa_services.save_applicant(invitation=invitation, **applicant_input(forum))
    letter = visa_services.issue_letter(invitation=invitation)
    url = _url("letters-signatory", forum, signatory.pk)

    asked = console.post(url, {"action": "remove"})
    assert asked.status_code == 200 and "Remove the signatory" in asked.content.decode()
    assert Signatory.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = console.post(url, {"action": "remove", "confirmed": "yes"})
    assert done.status_code == 302 and not Signatory.objects.exists()
    assert not (settings.PRIVATE_MEDIA_ROOT / signatory.signature.name).exists()
    letter.refresh_from_db()
    assert letter.status == "valid" and letter.signatory_name == "Elnur Mammadov" and letter.pdf
    page = console.get(_url("letters-setup", forum)).content.decode()
    assert 'data-warning="signatory"' in page


def test_a_signatory_of_another_edition_is_not_found(console, forum):
    from tests.factories import ForumFactory

    other = ForumFactory()
    signatory = inviting_organization(other).signatories.get()
    assert console.get(_url("letters-signatory", forum, signatory.pk)).status_code == 404


def test_the_console_setup_signs_the_next_letter(console, forum):
    console.post(_url("letters-organization", forum), ORGANIZATION)
    console.post(_url("letters-signatory-new", forum), _signatory_post())
    invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory(country="DE"))
    speaker_services.send_invitation(invitation=invitation)
    speaker_services.accept_invitation(invitation=invitation)
    visa_services.save_applicant(invitation=invitation, **applicant_input(forum))
    letter = visa_services.issue_letter(invitation=invitation)
    assert letter.signatory_name == "Rashad Aliyev"
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(letter.pdf.open("rb")).pages)
    assert "Rashad Aliyev" in text and "İcraçı direktor" in text and "1504872311" in text
    assert VisaLetter.objects.count() == 1


# --- arrival information ------------------------------------------------------------------------


def test_arrival_information_is_saved_per_language_and_speakers_read_theirs(console, client, forum):
    data = {
        "venue_address_az": "Bakı Konqres Mərkəzi",
        "venue_address_en": "Baku Congress Centre",
        "hotel_name_az": "Park Hotel",
        "hotel_address_az": "Neftçilər prospekti 5",
        "hotel_phone": "+994 12 555 02 00",
        "arrival_instructions_az": "Sizi hava limanında sürücü qarşılayacaq.",
        "arrival_instructions_en": "A driver meets you at the airport.",
        "contact_phone": "+994 50 555 01 01",
    }
    response = console.post(_url("letters-arrival", forum), data)
    assert response.status_code == 302
    info = ArrivalInfo.objects.get(forum=forum)
    assert info.venue_address_en == "Baku Congress Centre" and info.contact_phone == "+994 50 555 01 01"
    form = console.get(_url("letters-arrival", forum)).content.decode()
    assert 'value="Baku Congress Centre"' in form and 'lang="ru"' in form

    invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory(country="DE", preferred_language="en"))
    speaker_services.send_invitation(invitation=invitation)
    speaker_services.accept_invitation(invitation=invitation)
    token = speaker_services.issue_token(invitation, invitation.accepted_at)
    for language, venue, instructions in (
        ("en", "Baku Congress Centre", "A driver meets you at the airport."),
        ("ru", "Bakı Konqres Mərkəzi", "Sizi hava limanında sürücü qarşılayacaq."),  # empty: the Azerbaijani text
    ):
        client.cookies["django_language"] = language
        page = client.get(f"/rsvp/{token}/").content.decode()
        section = re.search(r'<section id="arrival".*?</section>', page, re.S).group(0)
        assert venue in section and instructions in section and "Park Hotel" in section


def test_arrival_text_past_its_length_is_refused(console, forum):
    response = console.post(_url("letters-arrival", forum), {"hotel_name_az": "x" * 201})
    assert response.status_code == 400
    assert not ArrivalInfo.objects.exists()


# --- the list page and languages ----------------------------------------------------------------


def test_the_setup_page_runs_the_same_queries_with_one_or_many_signatories(console, forum, django_assert_num_queries):
    organization = inviting_organization(forum)
    visa_services.save_arrival_info(forum=forum, venue_address={"az": "Bakı"})
    with CaptureQueriesContext(connection) as small:
        assert console.get(_url("letters-setup", forum)).status_code == 200
    for index in range(6):
        visa_services.add_signatory(
            organization=organization, name=f"Signer {index}", title_az="Üzv", title_en="Member",
            signature=SimpleUploadedFile("s.png", demo_images.signature_png()),
            stamp=SimpleUploadedFile("t.png", demo_images.stamp_png()), is_active=index % 2 == 0,
        )  # fmt: skip
    with django_assert_num_queries(len(small.captured_queries)):
        page = console.get(_url("letters-setup", forum)).content.decode()
    assert page.count('<img class="mark"') == 14


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_setup_page_speaks_the_organizers_language(console, forum, language):
    organization = inviting_organization(forum)
    signatory = organization.signatories.get()
    console.cookies["django_language"] = language
    with translation.override(language):
        title = translation.gettext("Organization and arrival")
        assert language == "en" or title != "Organization and arrival"
    for url in (
        _url("letters-setup", forum),
        _url("letters-organization", forum),
        _url("letters-signatory-new", forum),
        _url("letters-signatory", forum, signatory.pk),
        _url("letters-arrival", forum),
    ):
        response = console.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}"' in response.content.decode()
    assert title in console.get(_url("letters-setup", forum)).content.decode()
