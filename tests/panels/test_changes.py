"""The public changelog of the program: a page, an Atom feed and an API list, from the schedule log.

Only changes to panels the public had seen appear, in forum-local time, and never who made them.
"""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.models import Forum
from panels import selectors, services
from tests.factories import ForumFactory, OrganizerFactory, PanelFactory, RoomFactory
from tests.panels.conftest import at, placed

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def actor(db):
    return OrganizerFactory(
        username="qorxmaz.redaktor", first_name="Qorxmaz", last_name="Redaktorov", email="qorxmaz@secret.example"
    )


@pytest.fixture
def moved(forum, hall, side_room, actor):
    """A published panel moved from the hall at 10:00 to the side room at 15:00 on day 1."""
    panel = placed(forum, hall, 0, "10:00", "11:00", publish=True, title={"az": "Şəbəkə", "en": "The grid"})
    services.move_panel(
        panel=panel, room=side_room, start=at(forum, 0, "15:00"), end=at(forum, 0, "16:00"), actor=actor
    )
    return panel


def atom(content):
    """The feed parsed (it is our own answer, built by Django's feed generator)."""
    return ET.fromstring(content)  # noqa: S314


def get(client, url, lang="en", **extra):
    client.cookies["django_language"] = lang
    return client.get(url, **extra)


def page_url(forum):
    return reverse("panels:changes", args=[forum.slug])


def feed_url(forum):
    return reverse("panels:changes-feed", args=[forum.slug])


def api_url():
    return reverse("v1:schedule-change-list")


def test_a_move_of_a_published_panel_shows_before_and_after_in_forum_time(client, forum, moved):
    [change] = selectors.public_schedule_changes(forum=forum)
    assert change.kind == "moved"
    assert (change.before.start.hour, change.after.start.hour) == (10, 15)
    assert change.before.start.utcoffset() == datetime.timedelta(hours=4)  # Asia/Baku

    page = get(client, page_url(forum)).content.decode()
    assert "The grid" in page
    assert "10:00" in page and "15:00" in page
    assert "Main Hall" in page and "Side Room" in page

    body = client.get(api_url(), {"forum": forum.slug}).json()
    [entry] = body["results"]
    assert entry["kind"] == "moved"
    assert entry["before"] == {
        "start": at(forum, 0, "10:00").astimezone(forum.tz).isoformat(),
        "end": at(forum, 0, "11:00").astimezone(forum.tz).isoformat(),
        "room": "Main Hall",
    }
    assert entry["after"]["start"].startswith(f"{forum.days[0]:%Y-%m-%d}T15:00:00+04:00")
    assert entry["after"]["room"] == "Side Room"
    assert entry["panel"] == moved.pk


def test_panel_page_says_when_it_moved_and_where_it_was(client, forum, moved):
    page = get(client, reverse("panels:detail", args=[forum.slug, moved.pk])).content.decode()
    assert "Moved on" in page and "was" in page
    assert "10:00" in page and "Main Hall" in page


def test_program_links_to_the_changes_with_their_count(client, forum, moved):
    page = get(client, reverse("panels:program", args=[forum.slug])).content.decode()
    assert page_url(forum) in page
    assert "Changes since publication (1)" in page


def test_a_draft_or_scheduled_panels_moves_never_appear(client, forum, hall, side_room):
    panel = placed(forum, hall, 0, "10:00", "11:00", title={"az": "Gizli qaralama", "en": "Secret draft"})
    services.move_panel(panel=panel, room=side_room, start=at(forum, 0, "12:00"), end=at(forum, 0, "13:00"))
    services.unschedule_panel(panel=panel)
    services.cancel_panel(panel=PanelFactory(forum=forum, title={"az": "Başqa qaralama", "en": "Other draft"}))

    assert selectors.public_schedule_changes(forum=forum) == []
    page = get(client, page_url(forum)).content.decode()
    assert "Secret draft" not in page and "Other draft" not in page
    assert "Nothing has changed since the program was published." in page
    assert client.get(api_url(), {"forum": forum.slug}).json()["count"] == 0
    assert "Secret draft" not in get(client, feed_url(forum)).content.decode()


def test_a_cancellation_and_a_withdrawal_appear(client, forum, hall, side_room):
    cancelled = placed(forum, hall, 0, "10:00", "11:00", publish=True, title={"az": "Ləğv", "en": "Called off"})
    withdrawn = placed(forum, side_room, 1, "12:00", "13:00", publish=True, title={"az": "Geri", "en": "Withdrawn"})
    services.cancel_panel(panel=cancelled)
    services.unschedule_panel(panel=withdrawn)

    kinds = [(change.kind, change.panel_id) for change in selectors.public_schedule_changes(forum=forum)]
    assert kinds == [("unscheduled", None), ("cancelled", cancelled.pk)]
    page = get(client, page_url(forum)).content.decode()
    assert "Called off" in page and "Cancelled" in page
    assert "Taken out of the program" in page
    # The withdrawn panel is a draft now: listed with its public title, not linked.
    assert reverse("panels:detail", args=[forum.slug, withdrawn.pk]) not in page


def test_since_narrows_the_api_list(client, forum, moved, hall):
    services.cancel_panel(panel=moved)
    [latest, first] = selectors.public_schedule_changes(forum=forum)
    since = first.changed_at.isoformat()
    body = client.get(api_url(), {"forum": forum.slug, "since": since}).json()
    assert [entry["id"] for entry in body["results"]] == [latest.id]
    assert client.get(api_url(), {"since": "not a date"}).status_code == 400


def test_who_made_a_change_never_shows(client, forum, moved, actor):
    services.cancel_panel(panel=moved, actor=actor)
    outputs = {
        "page": get(client, page_url(forum)).content.decode(),
        "panel page": get(client, reverse("panels:detail", args=[forum.slug, moved.pk])).content.decode(),
        "feed": get(client, feed_url(forum)).content.decode(),
        "api": client.get(api_url(), {"forum": forum.slug}).content.decode(),
    }
    for name, text in outputs.items():
        assert "The grid" in text or "Şəbəkə" in text, name
        for secret in ("Qorxmaz", "Redaktorov", "qorxmaz.redaktor", "qorxmaz@secret.example"):
            assert secret.lower() not in text.lower(), (name, secret)


def test_a_draft_forum_has_no_public_changes(organizer):
    forum = ForumFactory(status=Forum.Status.DRAFT)
    public = Client()
    assert get(public, page_url(forum)).status_code == 404
    assert get(public, feed_url(forum)).status_code == 404
    assert public.get(api_url(), {"forum": forum.slug}).json()["count"] == 0
    staff = Client()
    staff.force_login(organizer)
    assert get(staff, page_url(forum)).status_code == 200


def make_changes(forum, count):
    """``count`` moves of published panels (each panel in its own room, moved by an hour)."""
    for _index in range(count):
        room = RoomFactory(forum=forum)
        panel = placed(forum, room, 0, "10:00", "11:00", publish=True)
        services.move_panel(panel=panel, start=at(forum, 0, "11:00"), end=at(forum, 0, "12:00"))


def queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), response


def test_page_feed_and_api_run_the_same_queries_with_2_and_20_changes(client, forum):
    make_changes(forum, 2)
    small = {
        "page": queries(client, page_url(forum)),
        "feed": queries(client, feed_url(forum)),
        "api": queries(client, api_url(), {"forum": forum.slug}),
    }
    make_changes(forum, 18)
    large = {
        "page": queries(client, page_url(forum)),
        "feed": queries(client, feed_url(forum)),
        "api": queries(client, api_url(), {"forum": forum.slug}),
    }
    assert {name: count for name, (count, _r) in small.items()} == {name: count for name, (count, _r) in large.items()}
    assert large["api"][1].json()["count"] == 20
    assert large["page"][1].content.decode().count('class="change change-moved"') == 20


def test_feed_is_atom_with_one_entry_per_change_and_stable_ids(client, forum, moved, hall):
    services.cancel_panel(panel=moved)
    first = get(client, feed_url(forum))
    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/atom+xml")
    root = atom(first.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert all(value.startswith("tag:") for value in ids)
    assert len(set(ids)) == 2
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert titles == ["Cancelled: The grid", "Moved: The grid"]

    client.cookies.clear()
    again = atom(get(client, feed_url(forum)).content)
    assert [entry.find(f"{ATOM}id").text for entry in again.findall(f"{ATOM}entry")] == ids


def test_feed_titles_speak_the_visitors_language(client, forum, moved):
    root = atom(get(client, feed_url(forum), lang="az").content)
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text != "Moved: The grid"
    assert "Şəbəkə" in entry.find(f"{ATOM}title").text


@pytest.mark.parametrize("name", ["panels:changes", "panels:changes-feed"])
def test_an_unchanged_page_answers_304_to_its_etag(client, forum, moved, name):
    url = reverse(name, args=[forum.slug])
    response = get(client, url)
    assert response.has_header("Last-Modified")
    etag = response["ETag"]
    assert get(client, url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.cancel_panel(panel=moved)
    assert get(client, url, HTTP_IF_NONE_MATCH=etag).status_code == 200
