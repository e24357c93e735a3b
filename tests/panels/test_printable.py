"""The printable program: a PDF per language with days, times, rooms, speakers, breaks and a QR
code of the online program, built once per version and language."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import ProgramItemFactory
from tests.panels.conftest import at, placed
from tests.panels.test_caching import WARM_QUERIES, program_cache  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def pdf_text(response):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def fetch(client, forum, lang):
    client.cookies["django_language"] = lang
    return client.get(reverse("panels:program-pdf", args=[forum.slug]))


@pytest.fixture
def printed(forum, hall, speaker):
    ProgramItemFactory(forum=forum, kind="lunch", title={"az": "Nahar", "en": "Lunch", "ru": "Обед"},
                       start=at(forum, 0, "13:00"), end=at(forum, 0, "14:00"))  # fmt: skip
    titles = {"az": "Kritik infrastruktur", "en": "Critical infrastructure", "ru": "Критическая инфраструктура"}
    return placed(forum, hall, 0, "10:00", "11:30", speakers=[speaker], publish=True, title=titles)


def test_the_pdf_lists_days_times_rooms_speakers_and_breaks_in_the_visitors_language(client, forum, printed):
    response = fetch(client, forum, "en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Critical infrastructure" in text and "Main Hall" in text and "Leyla Aliyeva" in text
    assert "10:00–11:30" in text and "Lunch" in text
    assert f"/forums/{forum.slug}/program/" in text.replace("\n", "")  # the QR's address, printed beside it
    russian = pdf_text(fetch(client, forum, "ru"))
    assert "Критическая инфраструктура" in russian and "Обед" in russian


def test_the_pdf_is_built_once_per_version_and_language(client, forum, printed, program_cache,  # noqa: F811
                                                       django_assert_num_queries):  # fmt: skip
    first = fetch(client, forum, "en")
    with django_assert_num_queries(WARM_QUERIES):
        again = fetch(client, forum, "en")
    assert again.content == first.content
    printed.title_en = "Renamed"
    printed.save()
    assert "Renamed" in pdf_text(fetch(client, forum, "en"))
