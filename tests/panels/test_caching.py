"""The public program and its exports are cached by version: on real Redis and in local memory,
a warm answer costs one query, an edit shows at once, languages and drafts never mix, a broken
cache never breaks the page."""

import logging
import socket

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from forum.models import Forum
from panels import caching, services
from panels.models import Panel
from panels.views import PROGRAM_FILTERS
from tests.factories import ForumFactory, PanelFactory, RoomFactory, SpeakerFactory
from tests.panels.conftest import at, placed
from tests.panels.test_query_counts import PAGE_QUERIES, fill, last_day

pytestmark = pytest.mark.django_db

PAGES = list(PAGE_QUERIES)
WARM_QUERIES = 1  # the forum with its schedule stamp; the body comes from the cache


@pytest.fixture(params=["redis", "locmem"])
def program_cache(request):
    """The default cache as production runs it: RedisCache at TEST_REDIS_URL, or local memory."""
    if request.param == "redis":
        location = request.getfixturevalue("redis_url")
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "program-tests"}
    with override_settings(CACHES={"default": backend}):
        cache.clear()
        yield request.param
        cache.clear()


@pytest.fixture
def program(forum, hall, side_room, speaker):
    cii = forum.themes.get(code="cii")
    return {
        "opening": placed(
            forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True, theme=cii,
            title={"az": "Kritik infrastruktur", "en": "Critical infrastructure", "ru": "Критическая инфраструктура"},
        ),
        "startups": placed(
            forum, side_room, 1, "14:00", "15:00", publish=True,
            title={"az": "Startaplar", "en": "Startups", "ru": "Стартапы"},
        ),
        "draft": PanelFactory(forum=forum, title={"az": "Gizli qaralama", "en": "Secret draft"}),
    }  # fmt: skip


def url(forum, name="program"):
    return reverse(f"panels:{name}", args=[forum.slug])


def get(client, forum, name="program", lang="en", **params):
    client.cookies["django_language"] = lang
    return client.get(url(forum, name), params)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("size", [10, 200])
def test_a_warm_answer_runs_one_query_at_any_size(client, forum, program_cache, name, size, django_assert_num_queries):
    fill(forum, size)
    params = {"day": last_day(forum).isoformat()} if name == "program" else {}
    with django_assert_num_queries(PAGE_QUERIES[name]):
        cold = get(client, forum, name, **params)
    with django_assert_num_queries(WARM_QUERIES):
        warm = get(client, forum, name, **params)
    assert cold.status_code == warm.status_code == 200
    assert f"Panel {size - 1}".encode() in warm.content
    assert warm.content == cold.content or name == "program"  # the page around the program is per request
    assert warm["Content-Type"] == cold["Content-Type"]


def test_the_warm_program_page_is_the_cold_one_but_for_the_csrf_token(client, forum, program, program_cache):
    cold = get(client, forum).content.decode()
    warm = get(client, forum).content.decode()
    token = 'name="csrfmiddlewaretoken" value="'

    def strip(html):
        head, tail = html.split(token, 1)
        return head + tail.split('"', 1)[1]

    assert strip(cold) == strip(warm)
    assert "Critical infrastructure" in warm


def test_the_cached_fragment_holds_no_csrf_token_and_no_staff_menu(admin_client, client, forum, program, program_cache):
    get(client, forum)
    with translation.override("en"):
        query = [(name, "") for name in PROGRAM_FILTERS] + [("clock", "")]  # the forum has not begun
        key = caching.key_for(kind="program", forum=forum, query=query)
    fragment = cache.get(key)
    assert fragment and "Critical infrastructure" in fragment
    assert "csrfmiddlewaretoken" not in fragment and "lang-switch" not in fragment
    # A staff member outside the Organizers group is served the cached copy inside their own page.
    html = get(admin_client, forum).content.decode()
    assert "Critical infrastructure" in html


@pytest.mark.parametrize("name", PAGES)
def test_moving_a_panel_shows_in_the_next_answer(client, forum, program, program_cache, name):
    assert get(client, forum, name).status_code == 200
    services.move_panel(panel=program["opening"], start=at(forum, 0, "16:20"), end=at(forum, 0, "17:05"))
    after = get(client, forum, name).content.decode("utf-8-sig")
    assert "16:20" in after or "T162000" in after  # iCalendar writes 20261231T162000


@pytest.mark.parametrize("name", PAGES)
def test_renaming_a_speaker_shows_in_the_next_answer(client, forum, program, program_cache, speaker, name):
    assert "Leyla Aliyeva" in get(client, forum, name).content.decode("utf-8-sig")
    speaker.last_name = "Məmmədova"
    speaker.save()
    after = get(client, forum, name).content.decode("utf-8-sig")
    assert "Leyla Məmmədova" in after and "Leyla Aliyeva" not in after


@pytest.mark.parametrize("name", PAGES)
def test_renaming_a_room_shows_in_the_next_answer(client, forum, program, program_cache, hall, name):
    assert "Main Hall" in get(client, forum, name).content.decode("utf-8-sig")
    hall.name_en = "Grand Ballroom"
    hall.save()
    after = get(client, forum, name).content.decode("utf-8-sig")
    assert "Grand Ballroom" in after and "Main Hall" not in after


@pytest.mark.parametrize("name", PAGES)
def test_renaming_a_theme_shows_in_the_next_answer(client, forum, program, program_cache, name):
    theme = forum.themes.get(code="cii")
    get(client, forum, name)
    theme.name_en = "Grids and pipes"
    theme.save()
    assert "Grids and pipes" in get(client, forum, name).content.decode("utf-8-sig")


def test_editing_the_forum_shows_in_the_next_answer(client, forum, program, program_cache):
    get(client, forum, "program"), get(client, forum, "schedule-ics")
    forum.name_en = "Cyber Forum Renamed"
    forum.venue_en = "Baku Expo Center"
    forum.save()
    assert "Cyber Forum Renamed" in get(client, forum, "program").content.decode()
    assert "Baku Expo Center" in get(client, forum, "schedule-ics").content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_deleting_a_panel_or_a_speaker_shows_in_the_next_answer(client, forum, program, program_cache, speaker, name):
    def every_day():
        days = [{"day": day.isoformat()} for day in forum.days] if name == "program" else [{}]
        return "".join(get(client, forum, name, **params).content.decode("utf-8-sig") for params in days)

    assert "Startups" in every_day()
    Panel.objects.filter(pk=program["startups"].pk).delete()
    after = every_day()
    assert "Startups" not in after and "Leyla Aliyeva" in after
    speaker.delete()  # takes their participation with it
    assert "Leyla Aliyeva" not in every_day()


def test_deleting_an_unused_room_updates_the_program_filters(client, forum, program, program_cache):
    spare = RoomFactory(forum=forum, name={"az": "Ehtiyat zal", "en": "Spare Room"})
    assert "Spare Room" in get(client, forum).content.decode()
    spare.delete()
    assert "Spare Room" not in get(client, forum).content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_languages_are_never_mixed(client, forum, program, program_cache, name):
    for _round in range(2):  # cold, then warm
        english = get(client, forum, name, lang="en").content.decode("utf-8-sig")
        russian = get(client, forum, name, lang="ru").content.decode("utf-8-sig")
        azerbaijani = get(client, forum, name, lang="az").content.decode("utf-8-sig")
        assert "Critical infrastructure" in english and "Критическая" not in english
        assert "Критическая инфраструктура" in russian and "Critical infrastructure" not in russian
        assert "Kritik infrastruktur" in azerbaijani and "Critical infrastructure" not in azerbaijani


def test_filters_are_cached_apart_and_normalized(client, forum, program, program_cache, django_assert_num_queries):
    second_day = forum.days[1].isoformat()
    everything = get(client, forum).content.decode()
    one_day = get(client, forum, day=second_day).content.decode()
    assert "Critical infrastructure" in everything and "Critical infrastructure" not in one_day
    assert "Startups" in one_day
    # Unknown parameters are ignored by the form, and by the key.
    with django_assert_num_queries(WARM_QUERIES):
        tracked = get(client, forum, day=second_day, utm_source="mail").content.decode()
    assert "Startups" in tracked and "Critical infrastructure" not in tracked


def test_stale_filters_answer_the_program_with_a_notice_and_are_cached_like_any(
    client, forum, program, program_cache, django_assert_num_queries
):
    first = get(client, forum, day="1999-01-01")
    with django_assert_num_queries(WARM_QUERIES):
        again = get(client, forum, day="1999-01-01")
    for response in (first, again):
        assert response.status_code == 200
        assert "were ignored" in response.content.decode() and "Critical infrastructure" in response.content.decode()


def test_organizers_see_draft_editions_and_nothing_they_see_is_cached(
    client, organizer_client, program_cache, django_assert_num_queries
):
    draft_forum = ForumFactory(status=Forum.Status.DRAFT)
    room = RoomFactory(forum=draft_forum, name={"az": "Zal", "en": "Hall"})
    panel = placed(draft_forum, room, 0, "10:00", "11:00", title={"az": "Gizli", "en": "Embargoed keynote"})
    services.publish_panel(panel=panel)
    for name in PAGES:
        organizer_client.cookies["django_language"] = "en"
        response = organizer_client.get(url(draft_forum, name))
        assert response.status_code == 200 and b"Embargoed keynote" in response.content
    public = type(client)()
    for name in PAGES:
        assert public.get(url(draft_forum, name)).status_code == 404
    # Once the edition is public, the first public answer is rendered afresh: nothing was stored.
    Forum.objects.filter(pk=draft_forum.pk).update(status=Forum.Status.PUBLISHED)
    for name in PAGES:
        with django_assert_num_queries(PAGE_QUERIES[name]):
            assert get(public, draft_forum, name).status_code == 200


def test_organizer_visits_leave_no_draft_panel_in_the_public_copy(
    client, organizer_client, forum, program, program_cache
):
    html = get(organizer_client, forum, "program").content.decode()
    assert "Critical infrastructure" in html
    detail = organizer_client.get(reverse("panels:detail", args=[forum.slug, program["draft"].pk]))
    assert b"Secret draft" in detail.content
    anonymous = type(client)()
    for name in PAGES:
        assert "Secret draft" not in get(anonymous, forum, name).content.decode("utf-8-sig")


def test_timeout_zero_turns_the_cache_off(client, forum, program, settings, program_cache, django_assert_num_queries):
    settings.PROGRAM_CACHE_TIMEOUT = 0
    for _round in range(2):
        with django_assert_num_queries(PAGE_QUERIES["program"]):
            assert get(client, forum).status_code == 200


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.mark.parametrize("name", PAGES)
def test_redis_down_still_serves_the_program(client, forum, program, caplog, name):
    backend = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    with override_settings(CACHES={"default": backend}), caplog.at_level(logging.WARNING, logger="panels.caching"):
        for _round in range(2):
            response = get(client, forum, name)
            assert response.status_code == 200
            assert "Critical infrastructure" in response.content.decode("utf-8-sig")
    assert any("program cache unavailable" in record.getMessage() for record in caplog.records)


def test_a_speaker_added_to_a_panel_shows_in_the_next_answer(client, forum, program, program_cache):
    get(client, forum, "schedule-json")
    newcomer = SpeakerFactory(first_name="Nigar", last_name="Həsənova")
    services.add_participant(panel=program["startups"], speaker=newcomer)
    assert "Nigar Həsənova" in get(client, forum, "schedule-json").content.decode()
