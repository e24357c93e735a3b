"""The program, each export and the panel list cost the same number of queries at any size."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from panels.models import Availability, Panel, Participation
from speakers.models import Speaker
from tests.factories import ProgramItemFactory, RoomFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def fill(forum, count):
    """``count`` published panels in 15-minute slots over both days and three rooms (more when
    needed: 36 slots per room and day), two speakers each, and a coffee break across all rooms on
    both days (the exports and the program read the breaks too)."""
    rooms = [RoomFactory(forum=forum, order=index) for index in range(max(3, -(-count // 72)))]
    for day in forum.days:
        ProgramItemFactory(forum=forum, start=forum.local_datetime(day, datetime.time(13, 0)),
                           end=forum.local_datetime(day, datetime.time(13, 15)))  # fmt: skip
    themes = list(forum.themes.all())
    speakers = [SpeakerFactory() for _ in range(6)]
    slots = [
        (day, room, forum.local_datetime(day, forum.day_opens_at) + datetime.timedelta(minutes=15 * index))
        for day in forum.days
        for room in rooms
        for index in range(36)
    ]
    now = timezone.now()
    panels = Panel.objects.bulk_create(
        Panel(
            forum=forum, theme=themes[index % len(themes)], room=room, title=f"Panel {index}",
            title_az=f"Panel {index}", title_en=f"Panel {index}", start=start,
            end=start + datetime.timedelta(minutes=15), status=Panel.Status.PUBLISHED, published_at=now,
        )
        for index, (day, room, start) in enumerate(slots[:count])
    )  # fmt: skip
    Participation.objects.bulk_create(
        Participation(panel=panel, speaker=speakers[(index + offset) % len(speakers)], order=offset)
        for index, panel in enumerate(panels)
        for offset in range(2)
    )


def last_day(forum):
    """The forum-local day of the latest panel: the day tab that shows the last one ``fill`` made."""
    return Panel.objects.filter(forum=forum).latest("start").start.astimezone(forum.tz).date()


# Cold (nothing cached): the forum with its schedule stamp (1), public panels (1), their speakers
# (1), the program items (breaks, lunch: 1); the program also reads the themes and rooms its filters
# and grid show (2), the frab XML and JSON the rooms and tracks (themes) they list (2). The forum
# lookup used to prefetch themes and rooms for every page and ask for the stamp apart: exports now
# skip what they do not read. The program also reads the moves since publication it marks (1) and
# counts the changes it links to (1), and it loads only the day it shows: the day tabs count the
# other days from the panels' start times alone (1). Warm answers are counted in test_caching.py.
PAGES = ["program", "schedule-ics", "schedule-xml", "schedule-json", "program-csv"]
PAGE_QUERIES = {"program": 9, "schedule-ics": 4, "schedule-xml": 6, "schedule-json": 6, "program-csv": 4}
# page count (1), panels with forum, theme and room (1), their speakers (1).
LIST_QUERIES = 3


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("size", [20, 500])
def test_program_and_exports_run_the_same_queries_at_any_size(client, forum, name, size, django_assert_num_queries):
    fill(forum, size)
    url = reverse(f"panels:{name}", args=[forum.slug])
    if name == "program":  # the day of the last panel (the program shows one day at a time)
        url += f"?day={last_day(forum).isoformat()}"
    with django_assert_num_queries(PAGE_QUERIES[name]):
        response = client.get(url)
    assert response.status_code == 200
    assert f"Panel {size - 1}".encode() in response.content


@pytest.mark.parametrize("size", [10, 200])
def test_panel_list_endpoint_runs_the_same_queries_at_any_size(client, forum, size, django_assert_num_queries):
    fill(forum, size)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(f"/api/v1/panels/?forum={forum.slug}&page_size=200")
    assert response.json()["count"] == size and len(response.json()["results"]) == size


# The organizer's grid: the session and its user (2), the user's permissions and groups for the
# organizers' menu (3), the forum (1), its themes and rooms (2), its panels with theme, room and
# forum (1), their speakers (1), the recent schedule changes (1), and the availability windows of
# the forum's speakers (1: one query for the whole forum, so the grid can show every panel placed
# outside a speaker's windows; it was 11 before the grid checked availability), the last move
# with its panel, for the undo button (1), and the breaks and meals placed on it (1).
GRID_QUERIES = 14


@pytest.mark.parametrize("size", [10, 200])
def test_organizer_grid_runs_the_same_queries_at_any_size(organizer_client, forum, size, django_assert_num_queries):
    fill(forum, size)
    # Every speaker stated a window, and one of them only for the first hour of day one: panels
    # after it stand in conflict, so the availability check runs for real.
    first = forum.local_datetime(forum.days[0], forum.day_opens_at)
    Availability.objects.bulk_create(
        Availability(forum=forum, speaker=speaker, start=first, end=first + datetime.timedelta(hours=1 if i else 48))
        for i, speaker in enumerate(Speaker.objects.filter(participations__panel__forum=forum).distinct())
    )
    url = reverse("panels:organizer-schedule", args=[forum.slug])
    with django_assert_num_queries(GRID_QUERIES):
        response = organizer_client.get(url)
    assert response.status_code == 200
    assert f"Panel {size - 1}".encode() in response.content
    assert b'data-code="speaker_unavailable"' in response.content
