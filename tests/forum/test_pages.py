import datetime

import pytest
from django.urls import reverse

from forum import services
from forum.models import Forum
from tests.factories import ForumFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADINGS = {
    "az": "Mövzular",
    "en": "Themes",
    "ru": "Темы",
    "tr": "Temalar",
}


@pytest.mark.parametrize("language", ["az", "en", "ru", "tr"])
def test_home_shows_the_current_edition_in_the_visitor_language(client, language):
    forum = ForumFactory()
    RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall", "ru": "Большой зал", "tr": "Büyük Salon"})
    client.cookies["django_language"] = language
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert HEADINGS[language] in html
    assert getattr(forum, f"name_{language}") in html
    cii = forum.themes.get(code="cii")
    assert getattr(cii, f"name_{language}") in html
    room_name = {"az": "Böyük zal", "en": "Main Hall", "ru": "Большой зал", "tr": "Büyük Salon"}[language]
    assert room_name in html


def test_default_language_is_azerbaijani(client):
    ForumFactory()
    response = client.get("/")
    assert '<html lang="az">' in response.content.decode()


def test_language_switcher_sets_the_language(client):
    forum = ForumFactory()
    response = client.post(reverse("set_language"), {"language": "ru", "next": forum.get_absolute_url()})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ru"
    page = client.get(forum.get_absolute_url()).content.decode()
    assert "Темы" in page


def test_home_without_a_published_edition_says_so(client):
    ForumFactory(status=Forum.Status.DRAFT)
    client.cookies["django_language"] = "en"
    response = client.get("/")
    assert response.status_code == 200
    assert "has not been announced yet" in response.content.decode()


def test_home_prefers_the_upcoming_edition_to_past_ones(client):
    import datetime

    past = ForumFactory(start_date=datetime.date(2020, 10, 1), end_date=datetime.date(2020, 10, 2))
    upcoming = ForumFactory()
    html = client.get("/").content.decode()
    assert upcoming.name_az in html
    assert past.name_az not in html


def test_draft_edition_is_hidden_from_the_public_and_shown_to_organizers(client, organizer):
    forum = ForumFactory(status=Forum.Status.DRAFT)
    assert client.get(forum.get_absolute_url()).status_code == 404
    client.force_login(organizer)
    assert client.get(forum.get_absolute_url()).status_code == 200


def test_draft_edition_is_hidden_from_staff_outside_the_organizers_group(client):
    forum = ForumFactory(status=Forum.Status.DRAFT)
    client.force_login(UserFactory(is_staff=True))
    assert client.get(forum.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/forums/{forum.slug}/").status_code == 404
    assert forum.slug not in client.get("/api/v1/forums/").content.decode()


def test_unknown_edition_is_404(client):
    assert client.get("/forums/no-such-forum/").status_code == 404


def test_static_css_is_served_from_the_project_without_a_cdn(client):
    ForumFactory()
    html = client.get("/").content.decode()
    assert "/static/forum/site.css" in html
    assert "https://" not in html.split("<body")[0]


def test_forum_status_change_goes_through_the_service(forum):
    services.set_forum_status(forum=forum, status=Forum.Status.ARCHIVED)
    forum.refresh_from_db()
    assert forum.status == Forum.Status.ARCHIVED


def test_editions_page_lists_public_editions_newest_first_without_drafts(client):
    older = ForumFactory(start_date=datetime.date(2025, 10, 1), end_date=datetime.date(2025, 10, 2))
    older.status = Forum.Status.ARCHIVED
    older.save()
    newer = ForumFactory()
    draft = ForumFactory(status=Forum.Status.DRAFT)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("forum:editions")).content.decode()
    assert newer.name_en in html and older.name_en in html and draft.name_en not in html
    assert html.index(newer.name_en) < html.index(older.name_en)
    assert reverse("panels:program", args=[older.slug]) in html


def test_editions_page_shows_drafts_to_organizers(client, organizer):
    draft = ForumFactory(status=Forum.Status.DRAFT)
    client.force_login(organizer)
    assert draft.name_az in client.get(reverse("forum:editions")).content.decode()


def test_editions_page_runs_the_same_queries_for_two_or_twenty_editions(client, django_assert_num_queries):
    for _ in range(2):
        ForumFactory()
    with django_assert_num_queries(1):
        client.get(reverse("forum:editions"))
    for _ in range(18):
        ForumFactory()
    with django_assert_num_queries(1):
        assert client.get(reverse("forum:editions")).status_code == 200


def test_every_page_links_to_the_editions_archive(client):
    forum = ForumFactory()
    assert reverse("forum:editions") in client.get(forum.get_absolute_url()).content.decode()


def test_navigation_marks_the_current_page_once(client):
    forum = ForumFactory()
    client.cookies["django_language"] = "en"
    html = client.get(reverse("speakers:list", args=[forum.slug])).content.decode()
    nav = html.split('class="main-nav">', 1)[1].split("</nav>", 1)[0]
    assert nav.count(">Speakers<") == 1
    assert f'href="{reverse("speakers:list", args=[forum.slug])}" aria-current="page"' in nav


def test_the_link_to_the_organizer_console_is_shown_to_organizers_only(client, organizer):
    forum = ForumFactory()
    console = f'href="/organizer/forums/{forum.slug}/"'
    client.cookies["django_language"] = "en"
    client.force_login(UserFactory(is_staff=True))
    assert console not in client.get(forum.get_absolute_url()).content.decode()
    client.force_login(organizer)
    assert console in client.get(forum.get_absolute_url()).content.decode()
