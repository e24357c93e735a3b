"""The public program in Chromium at 1366 and 390 px: day tabs, rooms × time on a wide screen and a
list on a phone (the same HTML), search, a stale filter link, breaks across the rooms, and stars
that follow an attendee from one device to another through their personal link."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import horizontal_overflow
from tests.factories import (
    ForumFactory,
    PanelFactory,
    ProgramItemFactory,
    RoomFactory,
    SpeakerFactory,
    register_attendee,
)
from tests.panels.conftest import at, placed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def program(transactional_db):
    forum = ForumFactory()
    hall = RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall"}, order=1)
    side = RoomFactory(forum=forum, name={"az": "Kiçik zal", "en": "Side Room"}, order=2)
    cii, startups = forum.themes.get(code="cii"), forum.themes.get(code="startups")
    leyla = SpeakerFactory(first_name="Leyla", last_name="Aliyeva", organization="CERT.az")
    return {
        "forum": forum,
        "hall": hall,
        "leyla": leyla,
        "infrastructure": placed(
            forum, hall, 0, "10:00", "11:00", speakers=[leyla], publish=True, theme=cii, language="az",
            title={"az": "Kritik infrastrukturun qorunması", "en": "Protecting critical infrastructure"},
        ),
        "incidents": placed(
            forum, side, 0, "10:00", "11:30", publish=True, theme=cii, language="ru",
            title={"az": "İnsidentlərə cavab", "ru": "Реагирование на инциденты"},
        ),
        "startups": placed(
            forum, side, 1, "14:00", "15:00", publish=True, theme=startups, language="en",
            title={"az": "Kibertəhlükəsizlik startapları", "en": "Cybersecurity start-ups"},
        ),
        "lunch": ProgramItemFactory(forum=forum, kind="lunch", title={"az": "Nahar", "en": "Lunch"},
                                    start=at(forum, 0, "13:00"), end=at(forum, 0, "14:00")),
        "draft": PanelFactory(forum=forum, title={"az": "Hələ hazırlanır"}),
    }  # fmt: skip


def program_url(live_server, forum, query=""):
    return f"{live_server.url}/forums/{forum.slug}/program/{query}"


def titles(page):
    return page.locator(".tt-panel .tt-title a")


def test_day_tabs_open_the_first_day_and_switch_days(live_server, page, program):
    forum = program["forum"]
    page.set_viewport_size(WIDE)
    page.goto(program_url(live_server, forum))
    tabs = page.locator(".day-tabs a")
    expect(tabs).to_have_count(2)
    expect(tabs.nth(0)).to_have_attribute("aria-current", "page")
    expect(titles(page)).to_have_text(["Kritik infrastrukturun qorunması", "İnsidentlərə cavab"])
    expect(page.locator(".tt-item")).to_contain_text("13:00–14:00 · Bütün zallar")
    expect(page.locator(".tt-item h3")).to_have_text("Nahar")
    tabs.nth(1).click()
    expect(page.locator(".day-tabs a").nth(1)).to_have_attribute("aria-current", "page")
    expect(titles(page)).to_have_text(["Kibertəhlükəsizlik startapları"])
    assert "Hələ hazırlanır" not in page.content()


def test_a_wide_screen_shows_rooms_side_by_side_and_a_phone_one_list(live_server, page, program):
    forum = program["forum"]
    page.set_viewport_size(WIDE)
    page.goto(program_url(live_server, forum))
    expect(page.locator(".tt-room").first).to_be_visible()
    first, second = (titles(page).nth(index).bounding_box() for index in range(2))
    assert second["x"] > first["x"] + 100 and abs(second["y"] - first["y"]) < 2  # two columns, one row
    lunch = page.locator(".tt-item").bounding_box()
    assert lunch["width"] > 2 * page.locator(".tt-panel").first.bounding_box()["width"]  # across both rooms

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator(".tt-room").first).to_be_hidden()
    first, second = (titles(page).nth(index).bounding_box() for index in range(2))
    assert abs(second["x"] - first["x"]) < 2 and second["y"] > first["y"] + 40  # one column, in time order
    assert horizontal_overflow(page) <= 0
    assert "Kiçik zal" in page.locator(".tt-panel").nth(1).inner_text()  # the room is said on each card


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_search_finds_a_speaker_and_keeps_the_query_in_the_url(live_server, page, program, viewport):
    forum = program["forum"]
    page.set_viewport_size(viewport)
    page.goto(program_url(live_server, forum))
    page.fill("#id_q", "aliyeva")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(program_url(live_server, forum, f"?q=aliyeva&theme=&room=&language=&day={forum.days[0]}"))
    expect(titles(page)).to_have_text(["Kritik infrastrukturun qorunması"])
    assert page.locator("#id_q").input_value() == "aliyeva"
    page.locator(".day-tabs a").nth(1).click()  # the other day keeps the search: nothing there
    expect(page).to_have_url(program_url(live_server, forum, f"?q=aliyeva&day={forum.days[1]}"))
    expect(page.locator("p.empty")).to_be_visible()


def test_a_stale_filter_link_shows_a_notice_and_the_program(live_server, page, program):
    forum = program["forum"]
    page.set_viewport_size(PHONE)
    response = page.goto(program_url(live_server, forum, "?theme=gone&room=98765&day=2001-01-01"))
    assert response.status == 200
    expect(page.locator(".notice")).to_contain_text("gone")
    expect(titles(page)).to_have_text(["Kritik infrastrukturun qorunması", "İnsidentlərə cavab"])


def test_stars_follow_the_attendee_to_another_device_through_the_personal_link(live_server, browser, program):
    forum, panel = program["forum"], program["incidents"]
    attendee = register_attendee(forum)
    link = f"{live_server.url}/registration/{attendee.raw_token}/"
    laptop = browser.new_context(viewport=WIDE, locale="en-US")
    phone = browser.new_context(viewport=PHONE, locale="en-US")
    try:
        on_laptop = laptop.new_page()
        on_laptop.goto(link)
        on_laptop.goto(program_url(live_server, forum))
        on_laptop.locator(f"#panel-{panel.pk} button.star").click()
        expect(on_laptop.locator(f"#panel-{panel.pk} button.star")).to_have_attribute("aria-pressed", "true")
        assert list(attendee.panels.values_list("pk", flat=True)) == [panel.pk]

        on_phone = phone.new_page()
        on_phone.goto(program_url(live_server, forum))
        expect(on_phone.locator("button.star")).to_have_count(0)  # not this attendee's browser yet
        on_phone.goto(link)
        on_phone.goto(program_url(live_server, forum))
        star = on_phone.locator(f"#panel-{panel.pk} button.star")
        expect(star).to_have_attribute("aria-pressed", "true")
        star.click()
        expect(on_phone.locator(f"#panel-{panel.pk} button.star")).to_have_attribute("aria-pressed", "false")
        on_laptop.reload()
        expect(on_laptop.locator(f"#panel-{panel.pk} button.star")).to_have_attribute("aria-pressed", "false")
    finally:
        laptop.close()
        phone.close()


def test_panel_page_leads_to_the_speaker_profile(live_server, page, program):
    forum, leyla = program["forum"], program["leyla"]
    page.goto(program_url(live_server, forum))
    page.get_by_role("link", name="Kritik infrastrukturun qorunması").click()
    expect(page).to_have_url(f"{live_server.url}/forums/{forum.slug}/panels/{program['infrastructure'].pk}/")
    page.locator(".speaker-list").get_by_role("link", name="Leyla Aliyeva").click()
    expect(page).to_have_url(f"{live_server.url}/forums/{forum.slug}/speakers/{leyla.pk}/")
    assert leyla.email not in page.content()


@pytest.mark.parametrize("path", ["program/", "program/?theme=cii", "panels/{panel}/"])
def test_program_pages_fit_a_phone_screen(live_server, page, program, path):
    forum = program["forum"]
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/forums/{forum.slug}/" + path.format(panel=program["infrastructure"].pk))
    assert page.locator("h1").is_visible()
    assert horizontal_overflow(page) <= 0
