"""A speaker's name, organization and position, as each reader reads them.

Azerbaijani readers read the native spelling of a name ("Rəşad Məmmədov"); English, Russian and
Turkish readers the Latin one where it is given ("Rashad Mammadov"). The organization and the
position are shown in the reader's language where a translation exists, else in Azerbaijani.
One rule (``core.names`` through ``Speaker.name_in``) serves public pages, the API, the exports
and the emails; organizers write the translations in the console, the speaker on their page.
"""

import csv
import io
import json

import jsonschema
import pytest
import xmlschema
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from core import names
from notifications.models import OutboxMessage
from notifications.services import render_message
from panels import services as panel_services
from speakers import services
from speakers.models import Speaker
from tests.factories import InvitationFactory, RoomFactory
from tests.panels.conftest import at, placed
from tests.panels.test_exports import schemas_dir
from tests.speakers.conftest import last_token

pytestmark = pytest.mark.django_db

ORGANIZATION = {"az": "ADA Universiteti", "en": "ADA University", "ru": "Университет ADA"}  # no Turkish
POSITION = {"az": "Kafedra müdiri", "en": "Head of department", "ru": "Заведующий кафедрой", "tr": "Bölüm başkanı"}
NATIVE, LATIN = "Rəşad Məmmədov", "Rashad Mammadov"


@pytest.fixture
def rashad(forum):
    speaker = services.create_speaker(
        first_name="Rəşad", last_name="Məmmədov", first_name_latin="Rashad", last_name_latin="Mammadov",
        honorific="dr", organization=ORGANIZATION, position=POSITION, country="AZ", email="rashad@example.org",
        preferred_language="en", publish_consent=True,
    )  # fmt: skip
    invitation = InvitationFactory(forum=forum, speaker=speaker)
    services.send_invitation(invitation=invitation)
    services.accept_invitation(invitation=invitation)
    return speaker


@pytest.fixture
def panel(forum, rashad):
    hall = RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall", "ru": "Большой зал"})
    return placed(
        forum, hall, 0, "10:00", "11:00", speakers=[rashad], publish=True,
        title={"az": "Kritik infrastruktur", "en": "Critical infrastructure", "ru": "Критическая инфраструктура"},
    )  # fmt: skip


# --- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"), [("az", NATIVE), ("en", LATIN), ("ru", LATIN), ("tr", LATIN), (None, NATIVE)]
)
def test_the_native_spelling_is_for_azerbaijani_readers_and_the_latin_one_for_the_others(language, expected):
    assert names.display_name(first="Rəşad", last="Məmmədov", first_latin="Rashad", last_latin="Mammadov",
                              language=language) == expected  # fmt: skip


def test_each_part_without_a_latin_spelling_keeps_the_native_one():
    assert names.display_name(first="Ingrid", last="Halvorsen", language="ru") == "Ingrid Halvorsen"
    assert names.display_name(first="Günay", last="Rəhimova", last_latin="Rahimova", language="en") == (
        "Günay Rahimova"
    )


def test_the_speaker_model_answers_in_any_language_with_fallbacks(rashad):
    assert [rashad.name_in(code) for code in ("az", "en", "ru", "tr")] == [NATIVE, LATIN, LATIN, LATIN]
    assert rashad.salutation_in("az") == "Dr. Məmmədov" and rashad.salutation_in("en") == "Dr Mammadov"
    assert [rashad.organization_in(code) for code in ("az", "en", "ru", "tr")] == [
        "ADA Universiteti", "ADA University", "Университет ADA", "ADA Universiteti",
    ]  # fmt: skip
    assert rashad.position_in("tr") == "Bölüm başkanı"
    with translation.override("en"):
        assert rashad.display_name == LATIN and rashad.other_spelling == NATIVE
    with translation.override("az"):
        assert rashad.display_name == NATIVE and rashad.other_spelling == LATIN


def test_an_organization_written_before_it_had_languages_is_the_azerbaijani_one(forum):
    speaker = services.create_speaker(first_name="A", last_name="B", organization="CERT.az", country="AZ",
                                      email="a@example.org")  # fmt: skip
    speaker.refresh_from_db()
    assert (speaker.organization_az, speaker.organization_in("en")) == ("CERT.az", "CERT.az")


# --- public pages -----------------------------------------------------------------------------


def _page(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "name", "organization", "position"),
    [
        ("az", NATIVE, "ADA Universiteti", "Kafedra müdiri"),
        ("en", LATIN, "ADA University", "Head of department"),
        ("ru", LATIN, "Университет ADA", "Заведующий кафедрой"),
        ("tr", LATIN, "ADA Universiteti", "Bölüm başkanı"),  # no Turkish organization: the Azerbaijani one
    ],
)
def test_public_pages_show_the_name_organization_and_position_of_the_readers_language(
    client, forum, rashad, panel, language, name, organization, position
):
    slug = forum.slug
    profile = _page(client, reverse("speakers:detail", kwargs={"slug": slug, "pk": rashad.pk}), language)
    heading = profile.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading.endswith(f" {name}")
    assert f"{position}, {organization}" in profile
    listing = _page(client, reverse("speakers:list", args=[slug]), language)
    assert name in listing and organization in listing
    for url in (reverse("panels:detail", args=[slug, panel.pk]), reverse("panels:program", args=[slug])):
        page = _page(client, url, language)
        assert name in page and organization in page, url
        other = LATIN if name == NATIVE else NATIVE
        assert f">{other}<" not in page, url


def test_the_profile_shows_the_other_spelling_beside_the_one_read_first(client, forum, rashad, panel):
    url = reverse("speakers:detail", kwargs={"slug": forum.slug, "pk": rashad.pk})
    assert f'<p class="muted">{LATIN}</p>' in _page(client, url, "az")
    assert f'<p class="muted">{NATIVE}</p>' in _page(client, url, "en")


# --- the API ----------------------------------------------------------------------------------


def test_the_public_api_answers_in_the_language_asked_for(forum, rashad, panel):
    api = APIClient()
    url = f"/api/v1/speakers/{rashad.pk}/"
    english = api.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert (english["display_name"], english["organization"], english["position"]) == (
        LATIN, "ADA University", "Head of department",
    )  # fmt: skip
    assert english["full_name"] == NATIVE and english["first_name_latin"] == "Rashad"
    azerbaijani = api.get(url, HTTP_ACCEPT_LANGUAGE="az").json()
    assert (azerbaijani["display_name"], azerbaijani["organization"]) == (NATIVE, "ADA Universiteti")
    russian = api.get(url + "?lang=ru", HTTP_ACCEPT_LANGUAGE="en")
    assert russian.json()["organization"] == "Университет ADA" and russian["Content-Language"] == "ru"
    turkish = api.get(url + "?lang=tr").json()
    assert (turkish["organization"], turkish["position"]) == ("ADA Universiteti", "Bölüm başkanı")
    # An unknown ?lang is ignored, never an error.
    assert api.get(url + "?lang=xx", HTTP_ACCEPT_LANGUAGE="en").json()["display_name"] == LATIN

    (row,) = api.get("/api/v1/panels/", {"forum": forum.slug, "lang": "ru"}).json()["results"]
    (person,) = row["speakers"]
    assert (person["name"], person["organization"], person["position"]) == (
        LATIN, "Университет ADA", "Заведующий кафедрой",
    )  # fmt: skip
    (row,) = api.get("/api/v1/panels/", {"forum": forum.slug}, HTTP_ACCEPT_LANGUAGE="az").json()["results"]
    assert (row["speakers"][0]["name"], row["speakers"][0]["organization"]) == (NATIVE, "ADA Universiteti")


def test_organizers_write_and_read_the_organization_per_language_through_the_api(organizer, rashad):
    api = APIClient()
    api.force_authenticate(organizer)
    url = f"/api/v1/organizer/speakers/{rashad.pk}/"
    assert api.get(url).json()["organization"] == {**ORGANIZATION, "tr": ""}
    response = api.patch(url, {"organization": {"tr": "ADA Üniversitesi"}}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["organization"]["tr"] == "ADA Üniversitesi"
    assert response.json()["organization"]["az"] == "ADA Universiteti"
    # A plain text is the Azerbaijani one, as for the position and the biography.
    api.patch(url, {"organization": "ADA"}, format="json")
    rashad.refresh_from_db()
    assert (rashad.organization_az, rashad.organization_en) == ("ADA", "ADA University")
    too_long = api.patch(url, {"organization": {"en": "x" * 201}}, format="json")
    assert too_long.status_code == 400


def test_the_organizers_search_finds_an_organization_in_any_language(organizer_client, forum, rashad):
    other = services.create_speaker(first_name="Leyla", last_name="Quliyeva", organization="SOCAR", country="AZ",
                                    email="leyla@example.org")  # fmt: skip
    InvitationFactory(forum=forum, speaker=other)
    organizer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "az"
    for word in ("Университет", "University", "Universiteti"):
        page = organizer_client.get(reverse("speakers:organizer", args=[forum.slug]), {"q": word}).content.decode()
        assert NATIVE in page and "Quliyeva" not in page, word


def test_the_program_search_finds_a_speakers_organization_in_any_language(client, forum, panel):
    for word in ("Университет", "University", "Universiteti"):
        page = _page(client, reverse("panels:program", args=[forum.slug]) + f"?q={word}", "az")
        assert "Kritik infrastruktur" in page, word


# --- exports ----------------------------------------------------------------------------------


def _export(client, name, forum, **params):
    response = client.get(reverse(f"panels:{name}", args=[forum.slug]), params)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize(("language", "name"), [("az", NATIVE), ("en", LATIN), ("ru", LATIN)])
def test_frab_exports_name_the_speaker_for_the_reader_and_still_validate(client, forum, panel, language, name):
    xml = _export(client, "schedule-xml", forum, lang=language).decode()
    schema = xmlschema.XMLSchema(str(schemas_dir() / "frab-schedule.xsd"))
    schema.validate(xml)
    data = schema.to_dict(xml)
    events = [event for day in data["day"] for room in day.get("room", []) for event in room.get("event", [])]
    assert events[0]["persons"]["person"][0]["$"] == name

    document = json.loads(_export(client, "schedule-json", forum, lang=language))
    jsonschema.validate(
        document,
        json.loads((schemas_dir() / "frab-schedule.schema.json").read_text()),
        format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER,
    )
    (room_events,) = [events for events in document["schedule"]["conference"]["days"][0]["rooms"].values() if events]
    assert room_events[0]["persons"][0]["name"] == name


def test_program_csv_and_calendars_name_the_speaker_for_the_reader(client, forum, panel):
    rows = list(csv.reader(io.StringIO(_export(client, "program-csv", forum, lang="en").decode("utf-8-sig"))))
    assert rows[1][rows[0].index("speakers")].startswith(f"{LATIN} (")
    rows = list(csv.reader(io.StringIO(_export(client, "program-csv", forum, lang="az").decode("utf-8-sig"))))
    assert rows[1][rows[0].index("speakers")].startswith(f"{NATIVE} (")
    assert LATIN in _export(client, "schedule-ics", forum, lang="ru").decode()
    assert NATIVE in _export(client, "schedule-ics", forum, lang="az").decode()


# --- emails -----------------------------------------------------------------------------------


def _mail(kind, recipient="rashad@example.org"):
    message = OutboxMessage.objects.filter(kind=kind, recipient=recipient).latest("pk")
    return render_message(message)


def test_the_speaker_is_greeted_by_the_spelling_of_their_language(forum, rashad, panel):
    _subject, text, _html = _mail("speaker_invitation")
    assert "Dr Mammadov" in text and "Məmmədov" not in text
    rashad.preferred_language = "az"
    rashad.save()
    panel_services.move_panel(panel=panel, start=at(forum, 0, "12:00"), end=at(forum, 0, "13:00"))
    _subject, text, _html = _mail("schedule_changed")
    assert NATIVE in text and LATIN not in text


# --- where it is written: the console and the speaker's own page ---------------------------


def test_organizers_write_the_organization_in_each_language_on_the_speaker_form(organizer_client, forum, rashad):
    url = reverse("organizer:speaker-edit", args=[forum.slug, rashad.pk])
    page = organizer_client.get(url).content.decode()
    for code in settings.LANGUAGE_CODES:
        assert f'name="organization_{code}"' in page and f'name="position_{code}"' in page
    assert 'value="Университет ADA"' in page
    data = {
        "first_name": "Rəşad", "last_name": "Məmmədov", "first_name_latin": "Rashad", "last_name_latin": "Mammadov",
        "honorific": "dr", "country": "AZ", "email": "rashad@example.org", "preferred_language": "en",
        **{f"organization_{code}": text for code, text in ORGANIZATION.items()}, "organization_tr": "ADA Üniversitesi",
        **{f"position_{code}": text for code, text in POSITION.items()},
    }  # fmt: skip
    response = organizer_client.post(url, data)
    assert response.status_code == 302
    rashad.refresh_from_db()
    assert rashad.organization_in("tr") == "ADA Üniversitesi" and rashad.organization_in("ru") == "Университет ADA"


def test_the_speaker_writes_their_organization_in_the_language_of_their_page(client, forum):
    speaker = Speaker.objects.create(
        first_name="Ayşe", last_name="Demir", country="TR", email="ayse@example.org", preferred_language="tr",
        organization_az="USOM", publish_consent=False,
    )  # fmt: skip
    invitation = InvitationFactory(forum=forum, speaker=speaker)
    services.send_invitation(invitation=invitation)
    token = last_token("ayse@example.org")
    url = reverse("speakers:rsvp", args=[token])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tr"
    page = client.get(url).content.decode()
    assert 'name="organization"' in page and 'value="USOM"' in page  # today's text, from the fallback
    response = client.post(
        url, {"action": "profile", "position": "CERT Başkanı", "organization": "Ulusal Siber Olaylara Müdahale Merkezi"}
    )
    assert response.status_code in (200, 302)
    speaker.refresh_from_db()
    assert speaker.organization_tr == "Ulusal Siber Olaylara Müdahale Merkezi" and speaker.organization_az == "USOM"
    assert speaker.position_tr == "CERT Başkanı"
