"""axe-core (the engine the pip package axe-playwright-python ships, pinned in requirements-dev)
finds no violation on any public page, in any of the four languages, at 1366 and 390 px."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import ForumFactory, ProgramItemFactory, RoomFactory, SpeakerFactory
from tests.panels.conftest import at, placed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["az", "en", "ru", "tr"]


@pytest.fixture
def site(transactional_db):
    forum = ForumFactory()
    hall = RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall", "ru": "Большой зал"}, order=1)
    side = RoomFactory(forum=forum, name={"az": "Kiçik zal", "en": "Side Room"}, order=2)
    speaker = SpeakerFactory(first_name="Leyla", last_name="Aliyeva", organization="CERT.az", publish_consent=True)
    panel = placed(
        forum,
        hall,
        0,
        "10:00",
        "11:00",
        speakers=[speaker],
        publish=True,
        theme=forum.themes.get(code="cii"),
        title={"az": "Kritik infrastruktur", "en": "Critical infrastructure", "ru": "Инфраструктура"},
    )
    placed(
        forum,
        side,
        0,
        "10:00",
        "11:30",
        publish=True,
        theme=forum.themes.get(code="startups"),
        title={"az": "Startaplar", "en": "Start-ups"},
    )
    ProgramItemFactory(forum=forum, kind="lunch", title={"az": "Nahar", "en": "Lunch"},
                       start=at(forum, 0, "13:00"), end=at(forum, 0, "14:00"))  # fmt: skip
    return {"forum": forum, "panel": panel, "speaker": speaker}


def public_paths(site):
    slug = site["forum"].slug
    return [
        "/",
        "/forums/",
        f"/forums/{slug}/",
        f"/forums/{slug}/program/",
        f"/forums/{slug}/program/?q=infra&theme=gone",
        f"/forums/{slug}/program/changes/",
        f"/forums/{slug}/panels/{site['panel'].pk}/",
        f"/forums/{slug}/speakers/",
        f"/forums/{slug}/speakers/{site['speaker'].pk}/",
        f"/forums/{slug}/register/",
        f"/forums/{slug}/about/terms/",
        f"/forums/{slug}/about/privacy/",
        f"/forums/{slug}/about/contact/",
        f"/forums/{slug}/about/venue/",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", [1366, 390])
def test_every_public_page_has_no_axe_violation(live_server, page, site, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    axe = Axe()
    found = {}
    for path in public_paths(site):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        results = axe.run(page)
        if results.violations_count:
            found[path] = results.generate_snapshot()
    assert found == {}
