import pytest

from forum.models import Forum
from tests.factories import ForumFactory, RoomFactory

pytestmark = pytest.mark.django_db


def test_forum_list_shows_published_editions_only_to_the_public(client):
    published = ForumFactory()
    ForumFactory(status=Forum.Status.DRAFT)
    body = client.get("/api/v1/forums/").json()
    assert [item["slug"] for item in body["results"]] == [published.slug]


def test_themes_filter_by_forum(client):
    forum = ForumFactory()
    ForumFactory()
    body = client.get("/api/v1/themes/", {"forum": forum.slug}).json()
    assert body["count"] == 5
    assert {item["forum"] for item in body["results"]} == {forum.slug}


@pytest.mark.parametrize("path", ["/api/v1/forums/", "/api/v1/themes/", "/api/v1/rooms/"])
def test_list_endpoints_run_constant_queries(client, django_assert_num_queries, path):
    forum = ForumFactory()
    RoomFactory(forum=forum)
    with django_assert_num_queries(2):  # count + page
        client.get(path)
    for _ in range(5):
        RoomFactory(forum=ForumFactory())
    with django_assert_num_queries(2):
        client.get(path)


def test_unknown_forum_gives_the_error_shape(client):
    response = client.get("/api/v1/forums/nope/")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail", "fields"}


def test_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
