"""The organizer's schedule grid: a move into a clash is refused with its reason and changes
nothing; a free slot moves the panel in the grid."""

import re

import pytest
from playwright.sync_api import expect

from panels.models import Panel, ScheduleChange
from tests.e2e.conftest import log_in
from tests.factories import ForumFactory, RoomFactory, SpeakerFactory
from tests.panels.conftest import at, placed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def grid_cell(page, title):
    return page.locator("a.grid-panel", has_text=title)


def column_of(page, room_name):
    """The CSS grid column of a room's header in the first day's grid."""
    header = page.locator("section.grid-day").first.locator(".grid-room", has_text=room_name)
    return header.evaluate("element => getComputedStyle(element).gridColumnStart")


def test_a_clashing_move_is_refused_with_its_reason_and_a_free_one_is_made(live_server, page, organizer):
    forum = ForumFactory()
    hall = RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall"}, order=1)
    side = RoomFactory(forum=forum, name={"az": "Kiçik zal", "en": "Side Room"}, order=2)
    leyla = SpeakerFactory(first_name="Leyla", last_name="Aliyeva")
    opening = placed(forum, hall, 0, "10:00", "11:00", speakers=[leyla], title={"az": "Açılış paneli"})
    ai = placed(forum, side, 0, "12:00", "13:00", speakers=[leyla], title={"az": "Süni intellekt və təhlükələr"})
    changes_before = ScheduleChange.objects.count()

    page.goto(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    log_in(page, organizer)
    expect(page).to_have_url(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    expect(grid_cell(page, "Süni intellekt və təhlükələr").locator(".grid-time")).to_have_text("12:00–13:00")
    assert grid_cell(page, "Süni intellekt və təhlükələr").evaluate(
        "element => getComputedStyle(element).gridColumnStart"
    ) == column_of(page, "Kiçik zal")

    # Into the hall at 10:30: the room is booked and the speaker is on the opening panel then.
    card = page.locator(f"#panel-{ai.pk}")
    card.locator(f"#id_p{ai.pk}-start").fill("10:30")
    card.locator(f"#id_p{ai.pk}-end").fill("11:30")
    card.locator(f"#id_p{ai.pk}-room").select_option(str(hall.pk))
    card.locator("form.slot-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/schedule/panels/{ai.pk}/move/$"))
    card = page.locator(f"#panel-{ai.pk}")
    reasons = card.locator(".conflicts[role=alert] li")
    expect(reasons).to_have_count(2)
    assert sorted(reasons.evaluate_all("items => items.map(item => item.dataset.code)")) == [
        "room_booked",
        "speaker_busy",
    ]
    room_reason = card.locator(".conflicts li[data-code=room_booked]").inner_text()
    assert "Böyük zal" in room_reason and "Açılış paneli" in room_reason
    assert "Leyla Aliyeva" in card.locator(".conflicts li[data-code=speaker_busy]").inner_text()
    # The form keeps what was typed so the organizer can adjust it.
    assert card.locator(f"#id_p{ai.pk}-start").input_value() == "10:30"
    # Nothing changed: not in the database, not in the grid, not in the change log.
    ai.refresh_from_db()
    assert (ai.room_id, ai.start, ai.end) == (side.pk, at(forum, 0, "12:00"), at(forum, 0, "13:00"))
    assert grid_cell(page, "Süni intellekt və təhlükələr").locator(".grid-time").inner_text() == "12:00–13:00"
    assert ScheduleChange.objects.count() == changes_before

    # A free slot in the hall after the opening panel.
    card.locator(f"#id_p{ai.pk}-start").fill("11:30")
    card.locator(f"#id_p{ai.pk}-end").fill("12:30")
    card.locator(f"#id_p{ai.pk}-room").select_option(str(hall.pk))
    card.locator("form.slot-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/organizer/forums/{forum.slug}/schedule/#panel-{ai.pk}$"))
    expect(page.locator(".messages li.success")).to_be_visible()
    expect(page.locator(f"#panel-{ai.pk} .conflicts")).to_have_count(0)
    cell = grid_cell(page, "Süni intellekt və təhlükələr")
    expect(cell.locator(".grid-time")).to_have_text("11:30–12:30")
    assert cell.evaluate("element => getComputedStyle(element).gridColumnStart") == column_of(page, "Böyük zal")
    ai.refresh_from_db()
    assert (ai.room_id, ai.start, ai.end) == (hall.pk, at(forum, 0, "11:30"), at(forum, 0, "12:30"))
    assert ai.status == Panel.Status.SCHEDULED
    assert ScheduleChange.objects.count() == changes_before + 1
    assert "Süni intellekt və təhlükələr" in page.locator(".change-log tbody tr").first.inner_text()
    opening.refresh_from_db()
    assert (opening.room_id, opening.start) == (hall.pk, at(forum, 0, "10:00"))
