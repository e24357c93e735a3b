import csv
import datetime
import io
import json
import os
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from django.urls import reverse
from django.utils.http import parse_http_date
from icalendar import Calendar

from panels import services
from panels.models import Panel
from tests.panels.conftest import at, placed

pytestmark = pytest.mark.django_db


def schemas_dir():
    candidates = [
        os.environ.get("SHARED_SCHEMAS_DIR"),
        Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas",
        "/work/shared/schemas",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "frab-schedule.xsd").is_file():
            return Path(candidate)
    pytest.fail("The frab schemas are missing: expected ../shared/schemas beside the repository")


@pytest.fixture
def published(forum, hall, side_room, speaker):
    return [
        placed(
            forum, hall, 0, "10:00", "11:30", speakers=[speaker], publish=True, theme=forum.themes.get(code="cii"),
            title={"az": "Kritik infrastruktur", "en": "Critical infrastructure", "ru": "Критическая инфраструктура"},
            description={"az": "Enerji və nəqliyyat.", "en": "Energy and transport."},
        ),
        placed(forum, side_room, 1, "14:00", "15:00", publish=True, title={"az": "Təhsil", "en": "Education"}),
        placed(forum, hall, 1, "16:00", "17:00", title={"az": "Qaralama", "en": "Not yet public"}),
    ]  # fmt: skip


def fetch(client, name, forum, lang="en", **headers):
    client.cookies["django_language"] = lang
    return client.get(reverse(f"panels:{name}", args=[forum.slug]), **headers)


def test_schedule_ics_has_one_event_per_public_panel_with_stable_uid_and_sequence(client, forum, published):
    response = fetch(client, "schedule-ics", forum)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    first = published[0]
    assert set(events) == {f"panel-{first.pk}@127.0.0.1", f"panel-{published[1].pk}@127.0.0.1"}
    event = events[f"panel-{first.pk}@127.0.0.1"]
    assert str(event["SUMMARY"]) == "Critical infrastructure"
    assert event["DTSTART"].params["TZID"] == "Asia/Baku"
    assert event.decoded("DTSTART") == at(forum, 0, "10:00")
    assert event.decoded("DTEND") == at(forum, 0, "11:30")
    assert "DTSTAMP" in event
    assert str(event["LOCATION"]) == "Main Hall"
    assert int(event["SEQUENCE"]) == first.sequence
    assert "Leyla Aliyeva" in str(event["DESCRIPTION"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Baku"]


def test_moving_a_panel_raises_the_ics_sequence_and_keeps_the_uid(client, forum, published):
    panel = published[0]
    before = Calendar.from_ical(fetch(client, "schedule-ics", forum).content)
    services.move_panel(panel=panel, start=at(forum, 0, "12:00"), end=at(forum, 0, "13:00"))
    after = Calendar.from_ical(fetch(client, "schedule-ics", forum).content)
    uid = f"panel-{panel.pk}@127.0.0.1"
    old = next(e for e in before.walk("VEVENT") if str(e["UID"]) == uid)
    new = next(e for e in after.walk("VEVENT") if str(e["UID"]) == uid)
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert new.decoded("DTSTART") == at(forum, 0, "12:00")


def test_a_cancelled_panel_stays_in_the_calendar_as_cancelled(client, forum, published):
    services.cancel_panel(panel=published[0])
    calendar = Calendar.from_ical(fetch(client, "schedule-ics", forum).content)
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == f"panel-{published[0].pk}@127.0.0.1")
    assert str(event["STATUS"]) == "CANCELLED"


def test_one_panel_ics(client, forum, published):
    panel = published[1]
    response = client.get(reverse("panels:panel-ics", args=[forum.slug, panel.pk]))
    assert response.status_code == 200
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == f"panel-{panel.pk}@127.0.0.1"
    draft = published[2]
    assert client.get(reverse("panels:panel-ics", args=[forum.slug, draft.pk])).status_code == 404


def test_schedule_xml_is_valid_frab(client, forum, published):
    response = fetch(client, "schedule-xml", forum)
    assert response.status_code == 200
    schema = xmlschema.XMLSchema(str(schemas_dir() / "frab-schedule.xsd"))
    schema.validate(response.content.decode())
    data = schema.to_dict(response.content.decode())
    events = [event for day in data["day"] for room in day.get("room", []) for event in room.get("event", [])]
    assert sorted(event["title"] for event in events) == ["Critical infrastructure", "Education"]
    critical = next(event for event in events if event["title"] == "Critical infrastructure")
    assert critical["date"] == at(forum, 0, "10:00").isoformat()
    assert critical["start"] == "10:00" and critical["duration"] == "01:30"
    assert critical["persons"]["person"][0]["$"] == "Leyla Aliyeva"


def test_schedule_json_is_valid_frab(client, forum, published, speaker):
    response = fetch(client, "schedule-json", forum)
    assert response.status_code == 200
    data = json.loads(response.content)
    schema = json.loads((schemas_dir() / "frab-schedule.schema.json").read_text())
    jsonschema.validate(data, schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    conference = data["schedule"]["conference"]
    assert conference["daysCount"] == 2 and conference["time_zone_name"] == "Asia/Baku"
    day_one = conference["days"][0]
    (event,) = day_one["rooms"]["Main Hall"]
    assert event["title"] == "Critical infrastructure" and event["start"] == "10:00"
    assert event["persons"][0]["name"] == "Leyla Aliyeva"
    assert speaker.email not in response.content.decode()
    assert "Not yet public" not in response.content.decode()


def test_json_export_is_valid_for_an_empty_program_and_odd_titles(client, forum, hall):
    placed(forum, hall, 0, "10:00", "11:00", publish=True, title={"az": "Ş"})  # slugifies to nothing
    data = json.loads(fetch(client, "schedule-json", forum).content)
    schema = json.loads((schemas_dir() / "frab-schedule.schema.json").read_text())
    jsonschema.validate(data, schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    xmlschema.XMLSchema(str(schemas_dir() / "frab-schedule.xsd")).validate(
        fetch(client, "schedule-xml", forum).content.decode()
    )


def test_program_csv(client, forum, published):
    response = fetch(client, "program-csv", forum, lang="ru")
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Критическая инфраструктура", "Təhsil"]
    assert rows[0]["start"] == "10:00" and rows[0]["end"] == "11:30"
    assert rows[0]["date"] == forum.days[0].isoformat()
    assert "Leyla Aliyeva" in rows[0]["speakers"]


@pytest.mark.parametrize("title", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_program_csv_cells_never_start_a_formula(client, forum, hall, title):
    placed(forum, hall, 0, "10:00", "11:00", publish=True, title={"az": title, "en": title, "ru": title})
    response = fetch(client, "program-csv", forum, lang="en")
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert row["title"] == "'" + title


@pytest.mark.parametrize("name", ["program", "schedule-ics", "schedule-xml", "schedule-json", "program-csv"])
def test_conditional_get_answers_304_until_the_schedule_changes(client, forum, published, name):
    first = fetch(client, name, forum)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert fetch(client, name, forum, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert fetch(client, name, forum, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    # Another language is another representation.
    assert fetch(client, name, forum, lang="ru", HTTP_IF_NONE_MATCH=etag).status_code == 200
    # A change to the schedule makes the old validators stale.
    panel = published[1]
    later = at(forum, 1, "09:00")
    services.move_panel(panel=panel, start=later, end=at(forum, 1, "10:00"))
    # Last-Modified has one-second resolution: date the change clearly after the first answer.
    Panel.objects.filter(pk=panel.pk).update(updated_at=after_http_date(last_modified))
    assert fetch(client, name, forum, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert fetch(client, name, forum, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def after_http_date(last_modified):
    return datetime.datetime.fromtimestamp(parse_http_date(last_modified) + 5, tz=datetime.UTC)


def test_unknown_forum_exports_are_404(client):
    assert client.get("/forums/nope/schedule.json").status_code == 404
    assert client.get("/forums/nope/program/").status_code == 404
