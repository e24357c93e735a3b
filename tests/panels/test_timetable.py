"""The public program as a timetable: day tabs, rooms × time, breaks across rooms, search, marks
for moved and cancelled panels, "now and next", and stale filter links that still show the program."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from panels import services, timetable
from tests.factories import ForumFactory, ProgramItemFactory, RoomFactory, SpeakerFactory
from tests.panels.conftest import at, placed

pytestmark = pytest.mark.django_db


def get(client, forum, lang="en", **params):
    client.cookies["django_language"] = lang
    return client.get(reverse("panels:program", args=[forum.slug]), params)


@pytest.fixture
def two_days(forum, hall, side_room, speaker):
    return {
        "opening": placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True,
                          theme=forum.themes.get(code="cii"),
                          title={"az": "Açılış", "en": "Opening", "ru": "Открытие", "tr": "Açılış"},
                          description={"az": "Enerji.", "en": "Energy grids.", "ru": "Энергосети."}),
        "side": placed(forum, side_room, 0, "10:00", "11:30", publish=True,
                       title={"az": "Təlim", "en": "Workshop on phishing"}),
        "second": placed(forum, hall, 1, "14:00", "15:00", publish=True,
                         title={"az": "İkinci gün", "en": "Second day panel"}),
        "lunch": ProgramItemFactory(forum=forum, kind="lunch", title={"az": "Nahar", "en": "Lunch"},
                                    start=at(forum, 0, "13:00"), end=at(forum, 0, "14:00")),
    }  # fmt: skip


def test_the_first_day_opens_first_before_the_forum_with_a_tab_per_day(client, forum, two_days):
    page = get(client, forum).content.decode()
    assert "Opening" in page and "Workshop on phishing" in page and "Second day panel" not in page
    assert page.count('aria-current="page"') == 2  # the navigation's "Program" and the first day's tab
    assert f"?day={forum.days[1].isoformat()}" in page
    second = get(client, forum, day=forum.days[1].isoformat()).content.decode()
    assert "Second day panel" in second and "Opening" not in second


def test_the_grid_puts_each_panel_in_its_rooms_column_and_a_break_across_all(client, forum, two_days):
    page = get(client, forum).content.decode()
    assert page.index("Main Hall") < page.index("Side Room")  # the room headers, in order
    opening = page[page.index(f'id="panel-{two_days["opening"].pk}"') :][:400]
    side = page[page.index(f'id="panel-{two_days["side"].pk}"') :][:400]
    assert "grid-column: 2;" in opening and "grid-column: 3;" in side
    lunch = page[page.index("tt-item kind-lunch") :][:300]
    assert "grid-column: 2 / 4" in lunch and "All rooms" in page


def test_cells_are_in_time_order_so_a_phone_reads_them_as_a_list(client, forum, two_days):
    page = get(client, forum).content.decode()
    assert page.index("Opening") < page.index("Workshop on phishing") < page.index("Lunch")


def test_the_current_day_opens_first_while_the_forum_runs(client, hall):
    today = timezone.localdate(timezone=datetime.UTC)
    forum = ForumFactory(start_date=today - datetime.timedelta(days=1), end_date=today + datetime.timedelta(days=1))
    room = RoomFactory(forum=forum, name={"az": "Zal", "en": "Hall"})
    for index in range(3):
        placed(forum, room, index, "10:00", "11:00", publish=True, title={"az": f"Gün {index}", "en": f"Day {index}"})
    local_today = timezone.now().astimezone(forum.tz).date()
    page = get(client, forum).content.decode()
    assert f"Day {forum.days.index(local_today)}" in page


@pytest.mark.parametrize(
    ("q", "lang", "found", "missing"),
    [
        ("Открытие", "en", "Opening", "Workshop on phishing"),  # a title in another language
        ("grids", "az", "Açılış", "Təlim"),  # a description
        ("aliyeva", "en", "Opening", "Workshop on phishing"),  # a speaker, any case
        ("Gas energy", "en", None, "Opening"),  # every word must match
        ("phishing", "ru", "Təlim", "Открытие"),  # found by its English title, shown in Azerbaijani
    ],
)
def test_search_finds_titles_descriptions_and_speakers_in_every_language(client, forum, two_days, q, lang, found,
                                                                         missing):  # fmt: skip
    page = get(client, forum, lang=lang, q=q).content.decode()
    if found:
        assert found in page
    assert f">{missing}<" not in page


def test_search_matches_a_speakers_organization_and_keeps_the_query_in_the_tab_links(client, forum, hall):
    speaker = SpeakerFactory(first_name="Kamran", last_name="Quliyev", organization="AzerCERT")
    placed(forum, hall, 1, "10:00", "11:00", speakers=[speaker], publish=True, title={"az": "X", "en": "Incidents"})
    page = get(client, forum, q="azercert").content.decode()
    # The only match is on the second day: that day opens, and the tabs keep the search.
    assert "Incidents" in page and "q=azercert&amp;day=" in page


def test_a_stale_filter_link_is_ignored_with_a_notice_and_the_program_still_shows(client, forum, two_days):
    response = get(client, forum, theme="gone", room="999999", language="xx", day="2001-01-01")
    assert response.status_code == 200
    page = response.content.decode()
    assert "were ignored" in page and "“gone”" in page and "“999999”" in page
    assert "Opening" in page and "Workshop on phishing" in page


def test_valid_filters_still_apply_beside_a_stale_one(client, forum, two_days, side_room):
    page = get(client, forum, room=str(side_room.pk), theme="gone").content.decode()
    assert "Workshop on phishing" in page and ">Opening<" not in page and "“gone”" in page


def test_a_panel_moved_after_publication_is_marked_with_its_old_time(client, forum, two_days, side_room):
    services.move_panel(panel=two_days["opening"], room=side_room, start=at(forum, 0, "15:00"),
                        end=at(forum, 0, "16:00"))  # fmt: skip
    page = get(client, forum).content.decode()
    card = page[page.index(f'id="panel-{two_days["opening"].pk}"') :][:1500]
    assert "Moved" in card and "10:00" in card and "Main Hall" in card and "15:00" in card


def test_a_cancelled_panel_is_marked_cancelled(client, forum, two_days):
    services.cancel_panel(panel=two_days["side"])
    page = get(client, forum).content.decode()
    card = page[page.index(f'id="panel-{two_days["side"].pk}"') :][:800]
    assert "is-cancelled" in card and "Cancelled" in card


def test_themes_have_a_legend_with_a_shape_beside_the_colour(client, forum, two_days):
    page = get(client, forum).content.decode()
    legend = page[page.index('class="legend"') :][:2000]
    for theme in forum.themes.all():
        assert theme.name in legend
    assert "●" in legend and "■" in legend


def test_now_and_next_lists_what_runs_and_what_starts_next(forum, two_days):
    panels = [two_days["opening"], two_days["side"], two_days["second"]]
    entries = timetable.entries(forum=forum, panels=panels, items=[two_days["lunch"]])
    strip = timetable.now_and_next(forum=forum, all_entries=entries, now=at(forum, 0, "11:15"))
    assert [entry.obj for entry in strip["now"]] == [two_days["side"]]
    assert [entry.obj for entry in strip["next"]] == [two_days["lunch"]]
    assert timetable.now_and_next(forum=forum, all_entries=entries, now=at(forum, 0, "08:00")) is None
    before = forum.local_datetime(forum.days[0] - datetime.timedelta(days=1), datetime.time(11, 0))
    assert timetable.now_and_next(forum=forum, all_entries=entries, now=before) is None


def test_the_page_shows_now_and_next_while_the_forum_runs(client):
    now = timezone.now()
    forum = ForumFactory(start_date=now.astimezone(datetime.UTC).date() - datetime.timedelta(days=1),
                         end_date=now.astimezone(datetime.UTC).date() + datetime.timedelta(days=1),
                         day_opens_at=datetime.time(0, 0), day_closes_at=datetime.time(23, 59))  # fmt: skip
    local = now.astimezone(forum.tz)
    if not datetime.time(0, 20) < local.time() < datetime.time(23, 0):
        pytest.skip("too close to midnight in the forum's zone to place a panel around now")
    room = RoomFactory(forum=forum, name={"az": "Zal", "en": "Hall"})
    start = local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0) - datetime.timedelta(
        minutes=15
    )
    panel = services.create_panel(forum=forum, title={"az": "İndi", "en": "Running now"})
    services.schedule_panel(panel=panel, room=room, start=start, end=start + datetime.timedelta(minutes=45))
    services.publish_panel(panel=panel)
    page = get(client, forum).content.decode()
    strip = page[page.index('class="now-next"') :][:1500]
    assert "Running now" in strip
    # Looking at another day while the forum runs: the grid shows that day, the strip still today.
    other_day = next(day for day in forum.days if day != local.date())
    other = get(client, forum, day=other_day.isoformat()).content.decode()
    assert "Running now" in other[other.index('class="now-next"') :][:1500]
    assert f'id="panel-{panel.pk}"' not in other
