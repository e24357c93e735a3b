"""Bodies in another charset and text with control characters are refused at the edge (a 400 page
or the API's error shape) on every form, filter and API operation; exports stay valid whatever is
stored."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from registration.models import Registration
from speakers import services as speaker_services
from speakers.models import Speaker
from tests.factories import ForumFactory, PanelFactory, RoomFactory

pytestmark = pytest.mark.django_db

FORM = "name=A%C3%A9&email=a%40example.org&csrfmiddlewaretoken=x"


def _csrf_client():
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    return client


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "no-such-charset"])
@pytest.mark.parametrize("path", ["/forums/{slug}/register/", "/admin/login/", "/rsvp/{fake}/"])
def test_a_form_body_in_another_charset_is_a_400_page(forum, charset, path):
    client = _csrf_client()
    client.raise_request_exception = False
    url = path.format(slug=forum.slug, fake="x" * 43)
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else "x"
    response = client.generic(
        "POST",
        url,
        data=FORM.replace("csrfmiddlewaretoken=x", f"csrfmiddlewaretoken={token}").encode(),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("charset", ["latin-1", "no-such-charset"])
def test_an_api_body_in_another_charset_is_a_400_in_the_error_shape(client, organizer, charset):
    client.force_login(organizer)
    client.raise_request_exception = False
    response = client.generic(
        "POST",
        "/api/v1/organizer/speakers/",
        data=b'{"first_name": "A"}',
        content_type=f"application/json; charset={charset}",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_charset"


HOSTILE = ["\x0b", "\x00", "\x1b", "\ufffe", "\uffff"]


@pytest.mark.parametrize("character", HOSTILE)
def test_a_control_character_in_a_registration_is_refused_and_nothing_is_stored(client, forum, character):
    response = client.post(
        f"/forums/{forum.slug}/register/",
        {
            "first_name": f"Ay{character}sel",
            "last_name": "M",
            "email": "a@example.org",
            "organization": "O",
            "position": "P",
            "country": "AZ",
            "category": "academia",
            "language": "en",
            "consent": "on",
        },
    )
    assert response.status_code == 400
    assert "first_name" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/organizer/forums/{slug}/registrations/?q=a%0Bb",
        "/organizer/forums/{slug}/registrations/export.csv?q=%00",
        "/organizer/forums/{slug}/speakers/?q=%1B",
        "/organizer/outbox/?kind=%00",
        "/forums/{slug}/program/?theme=%0B",
    ],
)
def test_a_control_character_in_a_filter_is_a_400_page(organizer_client, forum, path):
    response = organizer_client.get(path.format(slug=forum.slug))
    assert response.status_code == 400


def test_a_control_character_in_a_personal_link_names_nothing(client):
    client.raise_request_exception = False
    assert client.get("/rsvp/abc%00def/").status_code == 404
    assert client.get("/registration/abc%0Bdef/").status_code == 404


@pytest.mark.parametrize("character", ["\x0b", "\ud800", "\uffff"])
def test_a_control_character_in_an_api_body_is_refused(organizer_client, character):
    response = organizer_client.post(
        "/api/v1/organizer/speakers/",
        data={"first_name": f"A{character}", "last_name": "B", "email": "x@example.org", "country": "AZ"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Speaker.objects.exists()


def test_a_control_character_in_an_imported_cell_fails_the_dry_run_and_the_import(forum):
    content = b"first_name,last_name,country,email\nAy\x0bsel,M,AZ,a@example.org\nB,C,AZ,b\x00@example.org\n"
    for dry_run in (True, False):
        result = speaker_services.import_speakers(forum=forum, content=content, filename="s.csv", dry_run=dry_run)
        assert [number for number, _ in result.errors] == [2, 3]
    assert not Speaker.objects.exists()


def test_schedule_xml_stays_well_formed_whatever_is_stored(client):
    import datetime

    from panels import services as panel_services

    forum = ForumFactory(slug="ncf-xml")
    room = RoomFactory(forum=forum, name="Hall\x0b A")
    panel = PanelFactory(forum=forum, title="Word\x0bpaste\x1b", description="bad\x0ctext\ufffe")
    start = forum.local_datetime(forum.start_date, datetime.time(10, 0))
    panel_services.schedule_panel(panel=panel, room=room, start=start, end=start + datetime.timedelta(hours=1))
    panel_services.publish_panel(panel=panel)
    body = client.get(f"/forums/{forum.slug}/schedule.xml").content
    root = ET.fromstring(body)  # noqa: S314 (our own export)
    assert root.find(".//event/title").text == "Wordpaste"
    import json

    json.loads(client.get(f"/forums/{forum.slug}/schedule.json").content)
    from icalendar import Calendar

    Calendar.from_ical(client.get(f"/forums/{forum.slug}/schedule.ics").content)


def test_the_refusal_speaks_the_visitor_language(client, forum):
    response = client.get(f"/forums/{forum.slug}/program/?theme=%0B", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert "управляющие символы" in response.content.decode()
