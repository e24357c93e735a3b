"""The letter as a consulate sees it: rendered to an image and read back. The text is extracted
from the PDF, the images counted in it, and the QR code decoded from the rendered page with a real
QR reader (zxing-cpp), never by reading the input back."""

import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.conftest import _missing
from tests.factories import applicant_input
from visas import services
from visas.letter import verification_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdftoppm():
    path = shutil.which("pdftoppm")
    if not path:
        _missing("pdftoppm is not installed (make system-deps installs poppler-utils)")
    return path


def _text(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _render(pdftoppm, pdf, tmp_path, page):
    source = tmp_path / "letter.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", "150", "-png", "-f", str(page), "-l", str(page), str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    (image,) = sorted(tmp_path.glob("page*.png"))
    return Image.open(image)


@pytest.fixture
def letter(ready_invitation):
    return services.issue_letter(invitation=ready_invitation)


def test_letter_is_two_a4_pages_azerbaijani_then_english(letter):
    reader = PdfReader(io.BytesIO(letter.pdf.open("rb").read()))
    assert len(reader.pages) == 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_both_pages_carry_reference_signatory_applicant_and_costs(letter):
    az, en = _text(letter.pdf.open("rb").read())
    for page in (az, en):
        assert letter.reference in page
        assert "Elnur Mammadov" in page
        assert "WEBER" in page and "ANNA MARIA" in page
        assert "C01X00T47" in page
        assert "Stadt Hamburg" in page
        assert "Leyla Hasanova" in page
        assert "1504872311" in page
    assert "Viza üçün dəvət məktubu" in az
    assert "Azərbaycan Respublikasının Almaniyadakı Səfirliyinə" in " ".join(az.split())
    assert "Təşkilat Komitəsinin sədri" in az
    assert "Milli Kibertəhlükəsizlik Forumu İctimai Birliyi" in az
    assert "Letter of invitation for a visa" in en
    assert "To the Embassy of the Republic of Azerbaijan in Germany" in " ".join(en.split())
    assert "Chair of the Organizing Committee" in en


def test_costs_follow_the_coverage_set_by_organizers(ready_invitation):
    services.set_cost_coverage(invitation=ready_invitation, travel="speaker", accommodation="organizers",
                               meals="organizers")  # fmt: skip
    letter = services.issue_letter(invitation=ready_invitation)
    az, en = (" ".join(page.split()) for page in _text(letter.pdf.open("rb").read()))
    assert "travel is covered by the invited person, accommodation by the organizers, meals by the organizers" in en
    assert "yaşayış xərcləri təşkilatçı tərəfindən" in az


def test_signature_stamp_and_qr_code_are_images_on_every_page(letter):
    reader = PdfReader(io.BytesIO(letter.pdf.open("rb").read()))
    for page in reader.pages:
        sizes = {(image.image.width, image.image.height) for image in page.images}
        assert (520, 520) in sizes  # the stamp
        assert (600, 220) in sizes  # the signature
        assert any(width == height and width < 520 for width, height in sizes)  # the QR code


@pytest.mark.parametrize("page", [1, 2])
def test_qr_code_on_the_rendered_page_decodes_to_the_verification_url(letter, pdftoppm, tmp_path, page):
    image = _render(pdftoppm, letter.pdf.open("rb").read(), tmp_path, page)
    assert image.size[0] > 1200  # A4 at 150 dpi
    codes = [code for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]
    assert [code.text for code in codes] == [verification_url(letter)]
    assert verification_url(letter).endswith(f"/v/{letter.code}")


def test_empty_optional_fields_leave_no_stray_punctuation(forum, invitation, organization):
    organization.website = ""
    organization.contact_phone = ""
    organization.contact_email = ""
    organization.save()
    services.save_applicant(invitation=invitation, **applicant_input(forum, sex="", consulate_city=""))
    letter = services.issue_letter(invitation=invitation)
    for page in _text(letter.pdf.open("rb").read()):
        flat = " ".join(page.split())
        for stray in (" ,", ",,", ", .", "· ·", "( )", "()", ": ,", ": ."):
            assert stray not in flat, (stray, flat)
        for line in page.splitlines():
            line = line.strip()
            assert not line.startswith(("·", ",", ".")), line
            # Lines end in a comma only in the closing ("Hörmətlə,", "Yours faithfully,").
            assert not line.endswith("·"), line
            assert not line.endswith(",") or line in {"Hörmətlə,", "Yours faithfully,", "Dear Sir or Madam,"}, line
        assert "Leyla Hasanova." in flat
        assert "https://" not in flat
        assert "Cinsi" not in flat and "Sex " not in flat


def test_a_consulate_city_addresses_the_mission_in_that_city(forum, invitation, organization):
    services.save_applicant(invitation=invitation, **applicant_input(forum, consulate_country="TR",
                                                                      consulate_city="Istanbul"))  # fmt: skip
    letter = services.issue_letter(invitation=invitation)
    az, en = (" ".join(page.split()) for page in _text(letter.pdf.open("rb").read()))
    assert "Azərbaycan Respublikasının Istanbul şəhərindəki diplomatik nümayəndəliyinə Türkiyə" in az
    assert "To the Diplomatic Mission of the Republic of Azerbaijan in Istanbul Türkiye" in en
