"""The organizer's schedule grid: a move into a clash is refused with its reason and changes
nothing; a free slot moves the panel in the grid. Dragging a panel onto a cell sends the same form,
and so does the keyboard's way (a "Move…" button, a cursor cell moved with the keys); without
JavaScript the forms do the work."""

import re

import pytest
from playwright.sync_api import expect

from panels.models import Panel, ScheduleChange
from tests.e2e.conftest import log_in
from tests.factories import ForumFactory, PanelFactory, RoomFactory, SpeakerFactory
from tests.panels.conftest import at, placed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def grid_cell(page, title):
    return page.locator("a.grid-panel", has_text=title)


def slot_cell(page, room, clock, day=0):
    """The grid cell of ``room`` at forum-local ``clock`` on day number ``day``."""
    return page.locator(".day-grid").nth(day).locator(f'.grid-cell[data-room="{room.pk}"][data-time="{clock}"]')


def column_of(page, room_name):
    """The CSS grid column of a room's header in the first day's grid."""
    header = page.locator("section.grid-day").first.locator(".grid-room", has_text=room_name)
    return header.evaluate("element => getComputedStyle(element).gridColumnStart")


def _forum_with_two_rooms():
    forum = ForumFactory()
    hall = RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall"}, order=1)
    side = RoomFactory(forum=forum, name={"az": "Kiçik zal", "en": "Side Room"}, order=2)
    return forum, hall, side


def test_a_clashing_move_is_refused_with_its_reason_and_a_free_one_is_made(live_server, page, organizer):
    forum, hall, side = _forum_with_two_rooms()
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


def test_dragging_an_unscheduled_panel_onto_a_free_cell_schedules_it_there(live_server, page, organizer):
    forum, hall, side = _forum_with_two_rooms()
    placed(forum, hall, 0, "10:00", "11:00", title={"az": "Açılış paneli"})
    draft = PanelFactory(forum=forum, title={"az": "Bulud təhlükəsizliyi"})
    changes_before = ScheduleChange.objects.count()

    page.goto(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    log_in(page, organizer)
    card = page.locator(f"#panel-{draft.pk}")
    expect(card).to_have_attribute("draggable", "true")
    # The instruction is read out with the card, and takes no room on the screen.
    help_text = page.locator("#schedule-drag-help")
    expect(card).to_have_accessible_description(help_text.text_content().strip())
    assert help_text.bounding_box()["width"] <= 1

    # While dragged the card is dimmed and the cell under the pointer lit; let go outside the
    # grid, nothing is sent and both go back to normal.
    card.hover(position={"x": 12, "y": 12})
    page.mouse.down()
    box = slot_cell(page, side, "11:30").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 3, steps=5)  # the drag starts on the way
    page.mouse.move(box["x"] + 6, box["y"] + 3)  # and is over the cell from here
    expect(card).to_have_class(re.compile(r"\bis-dragged\b"))
    expect(slot_cell(page, side, "11:30")).to_have_class(re.compile(r"\bis-target\b"))
    expect(page.locator(".grid-cell.is-target")).to_have_count(1)
    page.locator("h1").hover()
    page.mouse.up()
    expect(page.locator(".grid-cell.is-target")).to_have_count(0)
    expect(card).not_to_have_class(re.compile(r"\bis-dragged\b"))
    assert ScheduleChange.objects.count() == changes_before

    # Picked up by its heading (pressing on its fields edits them), dropped on the side room at
    # 11:30 (a cell in view: Playwright's drag does not scroll the way a browser does while
    # dragging). It gets an hour, the length offered to a panel without a time.
    card.drag_to(slot_cell(page, side, "11:30"), source_position={"x": 12, "y": 12})

    expect(page).to_have_url(re.compile(rf"/organizer/forums/{forum.slug}/schedule/#panel-{draft.pk}$"))
    expect(page.locator(".messages li.success")).to_contain_text("Bulud təhlükəsizliyi")
    block = grid_cell(page, "Bulud təhlükəsizliyi")
    expect(block.locator(".grid-time")).to_have_text("11:30–12:30")
    assert block.evaluate("element => getComputedStyle(element).gridColumnStart") == column_of(page, "Kiçik zal")
    draft.refresh_from_db()
    assert (draft.room_id, draft.start, draft.end) == (side.pk, at(forum, 0, "11:30"), at(forum, 0, "12:30"))
    assert draft.status == Panel.Status.SCHEDULED
    assert ScheduleChange.objects.filter(panel=draft, action="scheduled").count() == 1
    assert ScheduleChange.objects.count() == changes_before + 1


def test_dropping_a_panel_where_the_room_is_booked_shows_the_conflict_and_changes_nothing(live_server, page, organizer):
    forum, hall, side = _forum_with_two_rooms()
    placed(forum, hall, 0, "10:00", "11:00", title={"az": "Açılış paneli"})
    ai = placed(forum, side, 0, "12:00", "13:30", title={"az": "Süni intellekt və təhlükələr"})
    changes_before = ScheduleChange.objects.count()

    page.goto(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    log_in(page, organizer)
    block = grid_cell(page, "Süni intellekt və təhlükələr")
    expect(block).to_have_attribute("draggable", "true")

    # Onto the hall at 10:30, under the opening panel's block (which lets drops through while a
    # panel is dragged; Playwright's own check of what lies under the pointer is skipped).
    block.drag_to(slot_cell(page, hall, "10:30"), force=True)

    expect(page).to_have_url(re.compile(rf"/schedule/panels/{ai.pk}/move/$"))
    card = page.locator(f"#panel-{ai.pk}")
    expect(card.locator(".conflicts[role=alert] li[data-code=room_booked]")).to_contain_text("Açılış paneli")
    # The form shows what the drop asked for, the panel's length kept, ready to be corrected.
    assert card.locator(f"#id_p{ai.pk}-start").input_value() == "10:30"
    assert card.locator(f"#id_p{ai.pk}-end").input_value() == "12:00"
    assert card.locator(f"#id_p{ai.pk}-room").input_value() == str(hall.pk)
    ai.refresh_from_db()
    assert (ai.room_id, ai.start, ai.end) == (side.pk, at(forum, 0, "12:00"), at(forum, 0, "13:30"))
    assert ScheduleChange.objects.count() == changes_before
    expect(grid_cell(page, "Süni intellekt və təhlükələr").locator(".grid-time")).to_have_text("12:00–13:30")


def test_a_panel_is_moved_to_another_room_with_the_keyboard_alone(live_server, page, organizer):
    forum, hall, side = _forum_with_two_rooms()
    placed(forum, hall, 0, "10:00", "11:00", title={"az": "Açılış paneli"})
    ai = placed(forum, side, 0, "12:00", "13:00", title={"az": "Süni intellekt və təhlükələr"})
    changes_before = ScheduleChange.objects.count()

    page.goto(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    log_in(page, organizer)
    card = page.locator(f"#panel-{ai.pk}")
    move = card.locator("button.move-start")
    expect(move).to_be_visible()
    # From the card's own "Move" button of the form, Tab reaches "Move…"; Enter starts the move.
    card.locator("form.slot-form button[type=submit]").focus()
    page.keyboard.press("Tab")
    expect(move).to_be_focused()
    page.keyboard.press("Enter")

    # The cursor is on the panel's slot, lit like a drop target, and the place is read out.
    cursor = page.locator(".grid-cursor")
    expect(cursor).to_be_focused()
    expect(cursor).to_have_class(re.compile(r"\bis-target\b"))
    expect(cursor).to_have_attribute("data-room", str(side.pk))
    expect(cursor).to_have_attribute("data-time", "12:00")
    expect(cursor).to_have_accessible_description(page.locator("#schedule-move-keys").text_content().strip())
    status = page.locator("#schedule-move-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text("Kiçik zal")
    expect(status).to_contain_text("12:00–13:00")

    page.keyboard.press("ArrowLeft")  # into the hall
    expect(status).to_contain_text("Böyük zal")
    expect(status).to_contain_text("12:00–13:00")
    assert cursor.evaluate("element => getComputedStyle(element).gridColumnStart") == column_of(page, "Böyük zal")
    page.keyboard.press("PageUp")  # an hour earlier, over the opening panel
    expect(status).to_contain_text("11:00–12:00")
    for _ in range(6):  # and half an hour later, after it
        page.keyboard.press("ArrowDown")
    expect(status).to_contain_text("Böyük zal")
    expect(status).to_contain_text("11:30–12:30")
    expect(cursor).to_have_attribute("data-time", "11:30")
    expect(page.locator(".grid-cell.is-target")).to_have_count(1)
    assert ScheduleChange.objects.count() == changes_before
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/organizer/forums/{forum.slug}/schedule/#panel-{ai.pk}$"))
    expect(page.locator(".messages li.success")).to_be_visible()
    block = grid_cell(page, "Süni intellekt və təhlükələr")
    expect(block.locator(".grid-time")).to_have_text("11:30–12:30")
    assert block.evaluate("element => getComputedStyle(element).gridColumnStart") == column_of(page, "Böyük zal")
    ai.refresh_from_db()
    assert (ai.room_id, ai.start, ai.end) == (hall.pk, at(forum, 0, "11:30"), at(forum, 0, "12:30"))
    assert ScheduleChange.objects.filter(panel=ai, action="moved").count() == 1
    assert ScheduleChange.objects.count() == changes_before + 1


def test_escape_leaves_everything_as_it_was_and_another_day_is_a_key_away(live_server, page, organizer):
    forum, hall, side = _forum_with_two_rooms()
    placed(forum, hall, 0, "09:00", "10:00", title={"az": "Açılış paneli"})
    draft = PanelFactory(forum=forum, title={"az": "Bulud təhlükəsizliyi"})
    changes_before = ScheduleChange.objects.count()

    page.goto(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    log_in(page, organizer)
    url = page.url
    move = page.locator(f"#panel-{draft.pk} button.move-start")
    move.focus()
    page.keyboard.press("Enter")

    # A panel without a time starts on the first free cell of the first day, with an hour.
    cursor = page.locator(".grid-cursor")
    status = page.locator("#schedule-move-status")
    expect(cursor).to_be_focused()
    expect(page.locator(".day-grid").first.locator(".grid-cursor")).to_have_attribute("data-room", str(side.pk))
    expect(cursor).to_have_attribute("data-time", "09:00")
    expect(status).to_contain_text("Kiçik zal")
    expect(status).to_contain_text("09:00–10:00")
    first_day = status.text_content()

    page.keyboard.press("]")  # the next day, same room and time
    expect(page.locator(".day-grid").nth(1).locator(".grid-cursor")).to_be_focused()
    expect(status).not_to_have_text(first_day)
    expect(status).to_contain_text("09:00–10:00")
    page.keyboard.press("End")
    expect(status).to_contain_text("17:55–")
    page.keyboard.press("Escape")

    expect(page.locator(".grid-cursor")).to_have_count(0)
    expect(page.locator(".grid-cell.is-target")).to_have_count(0)
    expect(move).to_be_focused()
    assert page.url == url
    draft.refresh_from_db()
    assert (draft.room_id, draft.start, draft.status) == (None, None, Panel.Status.DRAFT)
    assert ScheduleChange.objects.count() == changes_before

    # Again, on to the second day at the first free time, and Enter schedules it there.
    page.keyboard.press("Enter")
    expect(cursor).to_be_focused()
    page.keyboard.press("Control+ArrowDown")
    expect(page.locator(".day-grid").nth(1).locator(".grid-cursor")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/organizer/forums/{forum.slug}/schedule/#panel-{draft.pk}$"))
    expect(page.locator(".messages li.success")).to_contain_text("Bulud təhlükəsizliyi")
    draft.refresh_from_db()
    assert (draft.room_id, draft.start, draft.end) == (side.pk, at(forum, 1, "09:00"), at(forum, 1, "10:00"))
    assert ScheduleChange.objects.filter(panel=draft, action="scheduled").count() == 1


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_the_grid_offers_the_forms_only(live_server, page, organizer):
    forum = ForumFactory()
    hall = RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall"}, order=1)
    draft = PanelFactory(forum=forum, title={"az": "Bulud təhlükəsizliyi"})

    page.goto(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    log_in(page, organizer)
    card = page.locator(f"#panel-{draft.pk}")
    assert card.get_attribute("draggable") is None
    assert page.locator("#schedule-drag-help").get_attribute("hidden") is not None
    # The keyboard's "Move…" and its keys need the script: hidden without it.
    expect(card.locator("button.move-start")).to_be_hidden()
    assert page.locator("#schedule-move-keys").get_attribute("hidden") is not None
    card.locator(f"#id_p{draft.pk}-start").fill("14:00")
    card.locator(f"#id_p{draft.pk}-end").fill("15:00")
    card.locator(f"#id_p{draft.pk}-room").select_option(str(hall.pk))
    card.locator("form.slot-form button[type=submit]").click()

    expect(page.locator(".messages li.success")).to_contain_text("Bulud təhlükəsizliyi")
    expect(grid_cell(page, "Bulud təhlükəsizliyi").locator(".grid-time")).to_have_text("14:00–15:00")
    draft.refresh_from_db()
    assert (draft.room_id, draft.start, draft.end) == (hall.pk, at(forum, 0, "14:00"), at(forum, 0, "15:00"))
