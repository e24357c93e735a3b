"""Reports drawn on the server: SVG charts with their data tables and CSV, no script, the same
queries however many registrations."""

import pytest
from django.test import Client
from django.urls import reverse

from registration import services as registration_services
from tests.factories import ForumFactory, OrganizerFactory, PanelFactory, RoomFactory, register_attendee

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    client = Client()
    client.force_login(OrganizerFactory())
    client.cookies["django_language"] = "en"
    return client


def _grow(forum, n):
    room = RoomFactory(forum=forum)
    panel = PanelFactory(forum=forum, room=room)
    for number in range(n):
        registration = register_attendee(forum, email=f"{forum.slug}-{number}@example.org", country="TR")
        registration_services.confirm(token=registration.raw_token)
        registration.panels.add(panel)


def test_charts_are_svg_with_a_data_table_and_a_capacity_line(staff):
    forum = ForumFactory(capacity=10)
    _grow(forum, 3)
    html = staff.get(reverse("organizer:reports", args=[forum.slug])).content.decode()
    assert html.count("<svg") >= 6 and "<script" not in html.split("<main", 1)[1]
    assert 'role="img"' in html and "capacity 10" in html
    assert '<th scope="row">Türkiye</th><td>3</td>' in html


def test_each_chart_downloads_as_csv(staff):
    forum = ForumFactory()
    _grow(forum, 2)
    response = staff.get(reverse("organizer:reports", args=[forum.slug]) + "?csv=by-country")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == ["Item,Value", "Türkiye,2"]
    assert staff.get(reverse("organizer:reports", args=[forum.slug]) + "?csv=nope").status_code == 404


def test_the_reports_keep_their_query_count_as_data_grows(staff, django_assert_num_queries):
    small, large = ForumFactory(), ForumFactory()
    _grow(small, 1)
    _grow(large, 6)
    for forum in (small, large):
        with django_assert_num_queries(13):
            assert staff.get(reverse("organizer:reports", args=[forum.slug])).status_code == 200
