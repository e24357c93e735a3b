"""The public program: grouped by day, narrowed by the filter form, a panel's page leading to a
speaker's profile, and readable on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import horizontal_overflow
from tests.factories import ForumFactory, PanelFactory, RoomFactory, SpeakerFactory
from tests.panels.conftest import placed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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
            forum, side, 0, "12:00", "13:00", publish=True, theme=cii, language="ru",
            title={"az": "İnsidentlərə cavab", "ru": "Реагирование на инциденты"},
        ),
        "startups": placed(
            forum, side, 1, "14:00", "15:00", publish=True, theme=startups, language="en",
            title={"az": "Kibertəhlükəsizlik startapları", "en": "Cybersecurity start-ups"},
        ),
        "draft": PanelFactory(forum=forum, title={"az": "Hələ hazırlanır"}),
        "unpublished": placed(forum, hall, 1, "10:00", "11:00", title={"az": "Dərc olunmayıb"}),
    }  # fmt: skip


def expect_titles(page, expected):
    """The program lists exactly these panel titles, in this order (retried while a page loads)."""
    expect(page.locator(".program-panel h3 a")).to_have_text(expected)


def test_program_is_grouped_by_day_and_shows_only_published_panels(live_server, page, program):
    forum = program["forum"]
    page.goto(f"{live_server.url}/forums/{forum.slug}/program/")
    days = page.locator("section.program-day")
    assert days.count() == 2
    assert days.nth(0).locator("h2 time").get_attribute("datetime") == forum.days[0].isoformat()
    assert days.nth(1).locator("h2 time").get_attribute("datetime") == forum.days[1].isoformat()
    assert days.nth(0).locator(".program-panel h3 a").all_inner_texts() == [
        "Kritik infrastrukturun qorunması",
        "İnsidentlərə cavab",
    ]
    assert days.nth(1).locator(".program-panel h3 a").all_inner_texts() == ["Kibertəhlükəsizlik startapları"]
    # Forum-local time (Asia/Baku), not UTC.
    assert days.nth(0).locator(".slot-time").all_inner_texts() == ["10:00", "12:00"]
    assert "Hələ hazırlanır" not in page.content() and "Dərc olunmayıb" not in page.content()


def test_filters_narrow_the_program(live_server, page, program):
    forum = program["forum"]
    everything = titles_of(program, "infrastructure", "incidents", "startups")
    page.goto(f"{live_server.url}/forums/{forum.slug}/program/")
    expect_titles(page, everything)

    show = page.locator("form.filters button[type=submit]")
    page.select_option("#id_theme", "startups")
    show.click()
    expect(page).to_have_url(re.compile(r"[?&]theme=startups(&|$)"))
    expect_titles(page, titles_of(program, "startups"))
    assert page.locator("#id_theme").input_value() == "startups"  # the form remembers the choice

    page.locator("form.filters a").click()  # "show everything"
    expect(page).to_have_url(f"{live_server.url}/forums/{forum.slug}/program/")
    expect_titles(page, everything)

    page.select_option("#id_room", str(program["hall"].pk))
    show.click()
    expect_titles(page, titles_of(program, "infrastructure"))

    page.select_option("#id_room", "")
    page.select_option("#id_language", "ru")
    show.click()
    expect_titles(page, titles_of(program, "incidents"))

    page.select_option("#id_theme", "startups")  # Russian and start-ups: nothing matches
    show.click()
    expect(page.locator("p.empty")).to_be_visible()
    expect_titles(page, [])


def titles_of(program, *keys):
    return [program[key].title_az for key in keys]


def test_panel_page_leads_to_the_speaker_profile(live_server, page, program):
    forum, leyla = program["forum"], program["leyla"]
    page.goto(f"{live_server.url}/forums/{forum.slug}/program/")
    page.get_by_role("link", name="Kritik infrastrukturun qorunması").click()
    expect(page).to_have_url(f"{live_server.url}/forums/{forum.slug}/panels/{program['infrastructure'].pk}/")
    assert page.locator("h1").inner_text() == "Kritik infrastrukturun qorunması"

    page.locator(".speaker-list").get_by_role("link", name="Leyla Aliyeva").click()
    expect(page).to_have_url(f"{live_server.url}/forums/{forum.slug}/speakers/{leyla.pk}/")
    assert page.locator("h1").inner_text() == "Leyla Aliyeva"
    assert "CERT.az" in page.locator(".speaker-profile").inner_text()
    assert leyla.email not in page.content()
    expect(page.locator(".sessions a")).to_have_text(["Kritik infrastrukturun qorunması"])


@pytest.mark.parametrize("path", ["program/", "program/?theme=cii", "panels/{panel}/"])
def test_program_pages_fit_a_phone_screen(live_server, page, program, path):
    forum = program["forum"]
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/forums/{forum.slug}/" + path.format(panel=program["infrastructure"].pk))
    assert page.locator("h1").is_visible()
    assert horizontal_overflow(page) <= 0
