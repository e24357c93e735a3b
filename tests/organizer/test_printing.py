"""Printable pages: the door list by surname and the program, with constant queries."""

import pytest
from django.test import Client
from django.urls import reverse

from panels import services as panel_services
from registration import services as registration_services
from tests.factories import ForumFactory, OrganizerFactory, PanelFactory, RoomFactory, register_attendee
from tests.panels.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    client = Client()
    client.force_login(OrganizerFactory())
    client.cookies["django_language"] = "en"
    return client


def _grow(forum, n):
    room = RoomFactory(forum=forum)
    for number in range(n):
        panel = PanelFactory(forum=forum)
        hour = f"{9 + number}:00"
        panel_services.schedule_panel(
            panel=panel, room=room, start=at(forum, 0, hour), end=at(forum, 0, f"{9 + number}:45")
        )
    for number, surname in enumerate(["Zeynalova", "Abbasov", "Məmmədov"][: max(1, min(n, 3))]):
        person = register_attendee(forum, last_name=surname, email=f"{forum.slug}{number}@example.org")
        registration_services.confirm(token=person.raw_token)
    register_attendee(forum, last_name="Pending", email=f"{forum.slug}-p@example.org")


def test_the_door_list_has_the_confirmed_people_by_surname(staff):
    forum = ForumFactory()
    _grow(forum, 3)
    html = staff.get(reverse("organizer:print-door-list", args=[forum.slug])).content.decode()
    assert html.index("Abbasov") < html.index("Məmmədov") < html.index("Zeynalova")
    assert "Pending" not in html


def test_print_pages_keep_their_query_counts(staff, django_assert_num_queries):
    small, large = ForumFactory(), ForumFactory()
    _grow(small, 1)
    _grow(large, 5)
    for forum in (small, large):
        with django_assert_num_queries(7):
            assert staff.get(reverse("organizer:print-door-list", args=[forum.slug])).status_code == 200
        with django_assert_num_queries(8):
            assert staff.get(reverse("organizer:print-program", args=[forum.slug])).status_code == 200
