"""The program as files: iCalendar, frab/c3voc schedule XML and JSON, CSV.

Each builder takes a forum, its public panels (speakers prefetched) and its program items (breaks,
lunch, ceremonies; room loaded) and does no queries of its own, so an export costs the same number
of queries for 10 panels as for 200.
"""

import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from icalendar import Calendar, Event

from core import spreadsheets
from core.text import printable, printable_deep

from .links import panel_url
from .models import Panel, ProgramItem

GENERATOR = "cyberforum"
FRAB_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
TIMESLOT = "00:15"
# frab wants a positive integer id unique among events: a program item's ids start above any panel
# id we will reach, and an item across all rooms is listed in each room (``room column`` added).
ITEM_ID_BASE = 1_000_000_000
ITEM_ROOM_SLOTS = 1000


def site_host():
    return urlparse(settings.SITE_URL).hostname or "localhost"


def speaker_url(forum, speaker):
    return f"{settings.SITE_URL}/forums/{forum.slug}/speakers/{speaker.pk}/"


def panel_uid(panel):
    """Stable across edits and moves, so calendar apps update the event instead of adding one."""
    return f"panel-{panel.pk}@{site_host()}"


def panel_guid(panel):
    # An identifier, not an address: it must never change, so it does not follow panels.links.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/panels/{panel.pk}"))


def program_url(forum):
    return f"{settings.SITE_URL}/forums/{forum.slug}/program/"


def item_uid(item):
    return f"item-{item.pk}@{site_host()}"


def item_location(item):
    room = item.room.name if item.room_id else translation.gettext("All rooms")
    return f"{room}, {item.forum.venue}" if item.forum.venue else room


def by_start(panels, items):
    """Panels and program items in one time order (each list already sorted)."""
    return sorted([*panels, *items], key=lambda entry: (entry.start, isinstance(entry, Panel), entry.pk))


def speakers_line(panel):
    return ", ".join(participation.speaker.display_name for participation in panel.participations.all())


# --- iCalendar -----------------------------------------------------------------------------


def panel_event(panel):
    """One panel as a VEVENT: the public schedule.ics and the attendees' personal calendars share
    it, so the UID and SEQUENCE of a panel are the same in both."""
    forum = panel.forum
    event = Event()
    event.add("uid", panel_uid(panel))
    event.add("dtstamp", panel.updated_at)
    event.add("dtstart", panel.start.astimezone(forum.tz))
    event.add("dtend", panel.end.astimezone(forum.tz))
    event.add("sequence", panel.sequence)
    # Text is passed through printable(): whatever is stored, the file stays valid.
    event.add("summary", printable(panel.title))
    description = [panel.description] if panel.description else []
    if panel.participations.all():
        description.append(speakers_line(panel))
    description.append(panel_url(panel))
    event.add("description", printable("\n\n".join(description)))
    location = printable(panel.room.name)
    if forum.venue:
        location = f"{location}, {printable(forum.venue)}"
    event.add("location", location)
    event.add("url", panel_url(panel))
    if panel.theme_id:
        event.add("categories", [printable(panel.theme.name)])
    event.add("status", "CANCELLED" if panel.status == Panel.Status.CANCELLED else "CONFIRMED")
    event.add("last-modified", panel.updated_at)
    return event


def item_event(item):
    event = Event()
    event.add("uid", item_uid(item))
    event.add("dtstamp", item.updated_at)
    event.add("dtstart", item.start.astimezone(item.forum.tz))
    event.add("dtend", item.end.astimezone(item.forum.tz))
    event.add("summary", item.title)
    event.add("location", item_location(item))
    event.add("categories", [item.get_kind_display()])
    event.add("transp", "TRANSPARENT")  # a break does not make anyone busy
    event.add("status", "CONFIRMED")
    event.add("url", program_url(item.forum))
    event.add("last-modified", item.updated_at)
    return event


def ics(*, forum, panels, items=(), name=None):
    calendar = Calendar()
    calendar.add("prodid", f"-//{GENERATOR}//{forum.slug}//{translation.get_language()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", printable(name or forum.name))
    calendar.add("x-wr-timezone", forum.timezone)
    for entry in by_start(panels, items):
        calendar.add_component(item_event(entry) if isinstance(entry, ProgramItem) else panel_event(entry))
    calendar.add_missing_timezones()
    return calendar.to_ical()


# --- frab / c3voc schedule -----------------------------------------------------------------


def acronym(forum):
    """The forum's slug in the shape the schedule schemas accept (``ncf-2`` becomes ``ncf_2``)."""
    value = re.sub(r"[^a-z0-9_]", "_", forum.slug.lower())
    if len(value) < 4:
        value = f"{value}_{forum.year}"
    return value


def _event_slug(forum, panel):
    title = slugify(panel.title_en or panel.title or "")[:48].strip("-_")
    if len(title) < 4:
        title = panel.format
    return f"{acronym(forum)}-{panel.pk}-{title}"


def _duration(panel):
    minutes = int((panel.end - panel.start).total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _track_slug(theme):
    slug = re.sub(r"[^a-z0-9-]", "-", theme.code.lower()).strip("-")
    return slug if re.match(r"^[a-z][a-z0-9-]+$", slug or "") else f"t-{slug or theme.pk}"


def _room_guid(room):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/rooms/{room.pk}"))


def _person_guid(forum, speaker):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, speaker_url(forum, speaker)))


def frab(*, forum, panels, version, items=()):
    """The schedule as a frab/c3voc structure (a dict), forum-local times with offsets. Program items
    are events without persons; one across all rooms is listed in every room."""
    tz = forum.tz
    rooms = list(forum.rooms.all())
    themes = list(forum.themes.all())
    by_day = {day: {room.pk: [] for room in rooms} for day in forum.days}
    for panel in panels:
        if panel.status != Panel.Status.PUBLISHED:
            continue  # the frab format has no notion of a cancelled event
        day = panel.start.astimezone(tz).date()
        if day in by_day and panel.room_id in by_day[day]:
            by_day[day][panel.room_id].append((panel.start, _frab_event(forum, panel)))
    for item in items:
        day = item.start.astimezone(tz).date()
        if day not in by_day:
            continue
        for column, room in enumerate(rooms):
            if item.room_id in (None, room.pk):
                by_day[day][room.pk].append((item.start, _frab_item(forum, item, room, column)))
    days = []
    for index, (day, room_panels) in enumerate(by_day.items(), start=1):
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": forum.local_datetime(day, forum.day_opens_at).isoformat(),
                "day_end": forum.local_datetime(day, forum.day_closes_at).isoformat(),
                "rooms": {
                    room.name: [event for _start, event in sorted(room_panels[room.pk], key=lambda pair: pair[0])]
                    for room in rooms
                },
            }
        )
    conference = {
        "acronym": acronym(forum),
        "title": forum.name,
        "start": forum.start_date.isoformat(),
        "end": forum.end_date.isoformat(),
        "daysCount": len(forum.days),
        "timeslot_duration": TIMESLOT,
        "url": f"{settings.SITE_URL}{forum.get_absolute_url()}",
        "tracks": [{"name": theme.name, "slug": _track_slug(theme), "color": theme.colour} for theme in themes],
        "rooms": [{"name": room.name, "guid": _room_guid(room), "capacity": room.capacity} for room in rooms],
        "days": days,
    }
    if re.match(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$", forum.timezone):
        conference["time_zone_name"] = forum.timezone
    # Every text through printable_deep(): the XML and JSON built from this stay valid whatever
    # was stored (core/text.py).
    return printable_deep(
        {
            "$schema": FRAB_SCHEMA_URL,
            "generator": {"name": GENERATOR, "version": "1.0"},
            "schedule": {
                "version": version,
                "base_url": f"{settings.SITE_URL}/forums/{forum.slug}/",
                "conference": conference,
            },
        }
    )


def _frab_event(forum, panel):
    start = panel.start.astimezone(forum.tz)
    return {
        "guid": panel_guid(panel),
        "id": panel.pk,
        "date": start.isoformat(),
        "start": f"{start:%H:%M}",
        "duration": _duration(panel),
        "room": panel.room.name,
        "slug": _event_slug(forum, panel),
        "url": panel_url(panel),
        "title": panel.title,
        "subtitle": "",
        "track": panel.theme.name if panel.theme_id else None,
        "type": panel.get_format_display(),
        "language": panel.language,
        "abstract": panel.description,
        "description": panel.description,
        "persons": [_frab_person(forum, participation) for participation in panel.participations.all()],
        "links": [],
    }


def _frab_person(forum, participation):
    """A speaker as the frab formats list them: the name always; the id, the guid (made from the
    page's address) and the page's address only when that page opens (``public_profile``): a
    speaker without a public profile is named on their panel and nothing more."""
    speaker = participation.speaker
    if not participation.public_profile:
        return {"name": speaker.display_name}
    return {
        "name": speaker.display_name,
        "id": speaker.pk,
        "guid": _person_guid(forum, speaker),
        "url": speaker_url(forum, speaker),
    }


def _frab_item(forum, item, room, column):
    start = item.start.astimezone(forum.tz)
    minutes = int((item.end - item.start).total_seconds() // 60)
    title = slugify(item.title_en or item.title or "")[:40].strip("-_")
    if len(title) < 4:
        title = item.kind
    return {
        "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/program-items/{item.pk}/rooms/{room.pk}")),
        "id": ITEM_ID_BASE + item.pk * ITEM_ROOM_SLOTS + column,
        "date": start.isoformat(),
        "start": f"{start:%H:%M}",
        "duration": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "room": room.name,
        "slug": f"{acronym(forum)}-item-{item.pk}-{column}-{title}",
        "url": program_url(forum),
        "title": item.title,
        "subtitle": "",
        "track": None,
        "type": item.get_kind_display(),
        "language": settings.LANGUAGE_CODE,
        "abstract": "",
        "description": "",
        "persons": [],
        "links": [],
    }


def frab_json(**kwargs):
    return json.dumps(frab(**kwargs), ensure_ascii=False, indent=2).encode()


def frab_xml(**kwargs):
    data = frab(**kwargs)
    schedule = data["schedule"]
    conference = schedule["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR, version=data["generator"]["version"])
    ET.SubElement(root, "url").text = conference["url"].rsplit("/", 1)[0] + "/schedule.xml"
    ET.SubElement(root, "version").text = schedule["version"]
    conf = ET.SubElement(root, "conference")
    for key in ("acronym", "title", "start", "end"):
        ET.SubElement(conf, key).text = conference[key]
    ET.SubElement(conf, "days").text = str(conference["daysCount"])
    ET.SubElement(conf, "timeslot_duration").text = conference["timeslot_duration"]
    ET.SubElement(conf, "base_url").text = schedule["base_url"]
    ET.SubElement(conf, "url").text = conference["url"]
    if "time_zone_name" in conference:
        ET.SubElement(conf, "time_zone_name").text = conference["time_zone_name"]
    for track in conference["tracks"]:
        ET.SubElement(conf, "track", name=track["name"], slug=track["slug"], color=track["color"])
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    for day in conference["days"]:
        day_el = ET.SubElement(
            root, "day", index=str(day["index"]), date=day["date"], start=day["day_start"], end=day["day_end"]
        )
        for room_name, events in day["rooms"].items():
            room_el = ET.SubElement(day_el, "room", name=room_name, guid=guids[room_name])
            for event in events:
                _xml_event(room_el, event)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_event(parent, event):
    element = ET.SubElement(parent, "event", id=str(event["id"]), guid=event["guid"])
    for key in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle", "type", "language"):
        ET.SubElement(element, key).text = str(event[key] or "")
    ET.SubElement(element, "track").text = event["track"] or ""
    ET.SubElement(element, "abstract").text = event["abstract"] or ""
    ET.SubElement(element, "description").text = event["description"] or ""
    persons = ET.SubElement(element, "persons")
    for person in event["persons"]:
        attributes = {"id": str(person["id"]), "guid": person["guid"]} if "id" in person else {}
        ET.SubElement(persons, "person", **attributes).text = person["name"]
    ET.SubElement(element, "links")


# --- CSV -----------------------------------------------------------------------------------

CSV_HEADER = [
    "id", "date", "start", "end", "room", "theme", "format", "title", "language", "interpretation",
    "speakers", "status", "url",
]  # fmt: skip


def program_csv(*, forum, panels, items=()):
    """UTF-8 with a byte-order mark so spreadsheet programs read Azerbaijani and Cyrillic right.
    Program items have an id ``item-<n>``, their kind as the format and no speakers."""
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer)
    writer.writerow(CSV_HEADER)
    tz = forum.tz
    for panel in by_start(panels, items):
        start, end = panel.start.astimezone(tz), panel.end.astimezone(tz)
        if isinstance(panel, ProgramItem):
            room = panel.room.name if panel.room_id else translation.gettext("All rooms")
            writer.writerow(
                [
                    f"item-{panel.pk}", start.date().isoformat(), f"{start:%H:%M}", f"{end:%H:%M}", room, "",
                    panel.get_kind_display(), panel.title, "", "", "", "published", program_url(forum),
                ]
            )  # fmt: skip
            continue
        writer.writerow(
            [
                panel.pk,
                start.date().isoformat(),
                f"{start:%H:%M}",
                f"{end:%H:%M}",
                panel.room.name,
                panel.theme.name if panel.theme_id else "",
                panel.get_format_display(),
                panel.title,
                panel.language,
                "yes" if panel.interpretation else "no",
                "; ".join(f"{p.speaker.display_name} ({p.get_role_display()})" for p in panel.participations.all()),
                panel.status,
                panel_url(panel),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
