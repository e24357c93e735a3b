import pytest

from tests.factories import ForumFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_the_forum_and_switches_language(live_server, page):
    forum = ForumFactory()
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == forum.name_az
    assert page.locator("html").get_attribute("lang") == "az"

    page.get_by_role("button", name="RU").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == forum.name_ru
    assert page.get_by_role("heading", name="Темы").is_visible()


def test_forum_page_fits_a_phone_screen(live_server, page):
    forum = ForumFactory()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + forum.get_absolute_url())
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert page.locator(".theme").count() == 5
