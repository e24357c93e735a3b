"""Breaks, lunch and ceremonies: placed by organizers, never a speaker clash, in every export."""

import csv
import datetime
import io
import json

import jsonschema
import pytest
import xmlschema
from django.urls import reverse
from icalendar import Calendar

from panels import selectors, services
from panels.errors import PanelError
from panels.models import ProgramItem
from tests.factories import ProgramItemFactory
from tests.panels.conftest import at, placed
from tests.panels.test_exports import fetch, schemas_dir

pytestmark = pytest.mark.django_db


@pytest.fixture
def lunch(forum):
    return ProgramItemFactory(
        forum=forum, kind="lunch", title={"az": "Nahar", "en": "Lunch", "ru": "Обед", "tr": "Öğle yemeği"},
        start=at(forum, 0, "13:00"), end=at(forum, 0, "14:00"),
    )  # fmt: skip


def test_an_item_across_all_rooms_is_a_blocked_interval_of_every_room(forum, hall, lunch):
    room_item = ProgramItemFactory(forum=forum, room=hall, kind="ceremony", start=at(forum, 1, "12:00"),
                                   end=at(forum, 1, "12:30"))  # fmt: skip
    assert selectors.blocked_intervals(forum=forum) == [
        (None, lunch.start, lunch.end),
        (hall.pk, room_item.start, room_item.end),
    ]


def test_a_break_never_makes_a_speaker_clash(forum, hall, side_room, speaker, lunch):
    panel = placed(forum, hall, 0, "12:30", "13:30", speakers=[speaker], publish=True)
    other = placed(forum, side_room, 0, "13:30", "14:30", speakers=[speaker], publish=True)
    panels = list(selectors.organizer_panels(forum=forum))
    assert selectors.current_conflicts(forum=forum, panels=panels) == {}
    assert panel.pk and other.pk


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [("14:00", "13:00", "end_before_start"), ("07:00", "08:00", "outside_opening_hours")],
)
def test_an_item_outside_the_day_or_backwards_is_refused_with_the_reason(forum, start, end, code):
    with pytest.raises(PanelError) as refused:
        services.place_program_item(forum=forum, kind="break", title="Fasilə", start=at(forum, 0, start),
                                    end=at(forum, 0, end))  # fmt: skip
    assert refused.value.status == 400
    assert code in [conflict["code"] for conflict in refused.value.conflicts]
    assert not ProgramItem.objects.exists()


def test_an_item_needs_an_azerbaijani_title_and_a_known_kind(forum):
    with pytest.raises(PanelError):
        services.place_program_item(forum=forum, kind="break", title={"en": "Break"}, start=at(forum, 0, "10:00"),
                                    end=at(forum, 0, "10:15"))  # fmt: skip
    with pytest.raises(PanelError):
        services.place_program_item(forum=forum, kind="party", title="X", start=at(forum, 0, "10:00"),
                                    end=at(forum, 0, "10:15"))  # fmt: skip


def test_placing_moving_and_removing_an_item_moves_the_program_stamp(forum, hall):
    stamps = [selectors.schedule_last_modified(forum=forum)]
    item = ProgramItemFactory(forum=forum)
    stamps.append(selectors.schedule_last_modified(forum=forum))
    services.move_program_item(item=item, room=hall, start=at(forum, 1, "11:00"), end=at(forum, 1, "11:20"))
    stamps.append(selectors.schedule_last_modified(forum=forum))
    services.remove_program_item(item=item)
    stamps.append(selectors.schedule_last_modified(forum=forum))
    assert stamps == sorted(stamps) and len(set(stamps)) == 4


def test_organizer_places_moves_and_removes_an_item_from_the_grid_page(organizer_client, forum, hall, side_room):
    url = reverse("panels:organizer-item-add", args=[forum.slug])
    day = forum.days[0].isoformat()
    data = {"new-kind": "lunch", "new-title_az": "Nahar", "new-title_en": "Lunch", "new-day": day,
            "new-start": "13:00", "new-end": "14:00", "new-room": ""}  # fmt: skip
    assert organizer_client.post(url, data).status_code == 302
    item = ProgramItem.objects.get()
    assert (item.title_en, item.room, item.start) == ("Lunch", None, at(forum, 0, "13:00"))
    grid = organizer_client.get(reverse("panels:organizer-schedule", args=[forum.slug])).content.decode()
    assert 'class="grid-item kind-lunch"' in grid and "grid-column: 2 / 4" in grid

    move = reverse("panels:organizer-item-action", args=[forum.slug, item.pk, "move"])
    prefix = f"i{item.pk}"
    moved = {f"{prefix}-kind": "ceremony", f"{prefix}-title_az": "İmzalanma", f"{prefix}-day": day,
             f"{prefix}-start": "12:00", f"{prefix}-end": "12:30", f"{prefix}-room": str(side_room.pk)}  # fmt: skip
    assert organizer_client.post(move, moved).status_code == 302
    item.refresh_from_db()
    assert (item.kind, item.room, item.start) == ("ceremony", side_room, at(forum, 0, "12:00"))

    backwards = {**moved, f"{prefix}-start": "12:30", f"{prefix}-end": "12:00"}
    organizer_client.cookies["django_language"] = "en"
    refused = organizer_client.post(move, backwards)
    assert refused.status_code == 400 and "must come after" in refused.content.decode()

    remove = reverse("panels:organizer-item-action", args=[forum.slug, item.pk, "remove"])
    assert organizer_client.post(remove, {}).status_code == 400
    assert ProgramItem.objects.exists()
    assert organizer_client.post(remove, {"confirm": "yes"}).status_code == 302
    assert not ProgramItem.objects.exists()


def test_a_malformed_item_form_is_a_400_with_the_fields_named(organizer_client, forum):
    response = organizer_client.post(reverse("panels:organizer-item-add", args=[forum.slug]), {"new-kind": "x"})
    assert response.status_code == 400
    assert not ProgramItem.objects.exists()


def test_items_need_an_organizer(client, forum):
    response = client.post(reverse("panels:organizer-item-add", args=[forum.slug]), {})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_schedule_ics_lists_items_as_free_time(client, forum, hall, lunch):
    placed(forum, hall, 0, "10:00", "11:00", publish=True)
    events = Calendar.from_ical(fetch(client, "schedule-ics", forum).content).walk("VEVENT")
    item = next(event for event in events if str(event["UID"]).startswith("item-"))
    assert str(item["SUMMARY"]) == "Lunch" and str(item["TRANSP"]) == "TRANSPARENT"
    assert item.decoded("DTSTART") == lunch.start


def test_frab_exports_list_an_item_across_rooms_in_every_room_and_stay_valid(client, forum, hall, side_room, lunch):
    placed(forum, hall, 0, "10:00", "11:00", publish=True)
    data = json.loads(fetch(client, "schedule-json", forum).content)
    schema = json.loads((schemas_dir() / "frab-schedule.schema.json").read_text())
    jsonschema.validate(data, schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    rooms = data["schedule"]["conference"]["days"][0]["rooms"]
    for name in ("Main Hall", "Side Room"):
        assert [event["title"] for event in rooms[name] if event["type"] == "Lunch"] == ["Lunch"]
    assert next(event["title"] for event in rooms["Main Hall"]) != "Lunch"  # in time order
    xml = fetch(client, "schedule-xml", forum).content.decode()
    xmlschema.XMLSchema(str(schemas_dir() / "frab-schedule.xsd")).validate(xml)
    assert xml.count("<title>Lunch</title>") == 2


def test_program_csv_has_a_row_per_item_in_time_order(client, forum, hall, lunch):
    placed(forum, hall, 0, "14:00", "15:00", publish=True, title={"az": "Sonra", "en": "After lunch"})
    rows = list(csv.DictReader(io.StringIO(fetch(client, "program-csv", forum).content.decode("utf-8-sig"))))
    assert [(row["id"].startswith("item-"), row["title"]) for row in rows] == [(True, "Lunch"), (False, "After lunch")]
    assert rows[0]["room"] == "All rooms" and rows[0]["format"] == "Lunch"


def test_items_are_shown_in_the_visitors_language(forum, lunch):
    from django.utils import translation

    with translation.override("ru"):
        assert ProgramItem.objects.get().title == "Обед"
    with translation.override("tr"):
        assert ProgramItem.objects.get().title == "Öğle yemeği"
    assert lunch.end - lunch.start == datetime.timedelta(hours=1)
