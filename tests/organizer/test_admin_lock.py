"""The Django admin is kept for superusers: organizers (staff without superuser rights) are sent to
the console with a clear page, never into the admin, and no console page links them there."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    ForumFactory,
    InvitationFactory,
    OrganizerFactory,
    RoomFactory,
    SpeakerFactory,
    UserFactory,
    register_attendee,
)
from tests.panels.conftest import placed

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/registration/registration/", "/admin/panels/panel/", "/admin/auth/user/"]


def _client(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_a_superuser_has_the_admin():
    admin = _client(UserFactory(is_staff=True, is_superuser=True))
    for path in ADMIN_PAGES:
        assert admin.get(path).status_code == 200, path


@pytest.mark.parametrize("user_kind", ["organizer", "staff without group"])
def test_staff_who_are_not_superusers_are_sent_to_the_console(user_kind):
    user = OrganizerFactory() if user_kind == "organizer" else UserFactory(is_staff=True)
    client = _client(user)
    for path in [*ADMIN_PAGES, "/admin/login/"]:
        response = client.get(path)
        assert response.status_code == 403, path
        html = response.content.decode()
        assert "The administration is for superusers" in html
        assert f'href="{reverse("organizer:editions")}"' in html and "Open the console" in html


def test_an_organizer_signing_in_on_the_admin_page_lands_in_the_console():
    organizer = OrganizerFactory()
    client = Client()
    assert client.get("/admin/").status_code == 302  # visitors: the admin's own sign-in
    assert client.get("/admin/login/").status_code == 200
    response = client.post(
        "/admin/login/?next=/admin/", {"username": organizer.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("organizer:editions")
    assert client.get(reverse("organizer:editions")).status_code == 200


def test_a_superuser_signing_in_on_the_admin_page_stays_in_the_admin():
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = Client().post(
        "/admin/login/?next=/admin/", {"username": admin.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"


def _console_pages():
    forum = ForumFactory()
    room = RoomFactory(forum=forum)
    panel = placed(forum, room, 0, "10:00", "11:00", speakers=[SpeakerFactory()])
    invitation = InvitationFactory(forum=forum)
    attendee = register_attendee(forum)
    slug = forum.slug
    pages = [
        reverse("organizer:editions"),
        reverse("organizer:dashboard", args=[slug]),
        reverse("organizer:rooms", args=[slug]),
        reverse("organizer:panels", args=[slug]),
        reverse("organizer:panel-edit", args=[slug, panel.pk]),
        reverse("organizer:speakers", args=[slug]),
        reverse("organizer:messages", args=[slug]),
        reverse("organizer:reports", args=[slug]),
        reverse("panels:organizer-schedule", args=[slug]),
        reverse("panels:proposals", args=[slug]),
        reverse("speakers:organizer", args=[slug]),
        reverse("speakers:organizer-invitation", args=[slug, invitation.pk]),
        reverse("visas:desk", kwargs={"slug": slug}),  # no inviting organization yet: a warning
        reverse("registration:organizer_list", args=[slug]),
        reverse("registration:organizer_detail", args=[slug, attendee.pk]),
        reverse("registration:organizer_checkin", args=[slug]),
        reverse("notifications:outbox"),
    ]
    return forum, panel, pages


def test_no_console_page_links_an_organizer_to_the_admin():
    forum, panel, pages = _console_pages()
    organizer, admin = _client(OrganizerFactory()), _client(UserFactory(is_staff=True, is_superuser=True))
    links = {}
    for path in pages:
        response = organizer.get(path)
        assert response.status_code == 200, path
        found = re.findall(r'(?:href|action)="(/admin/[^"]*)"', response.content.decode())
        if found:
            links[path] = found
    assert links == {}
    desk = organizer.get(reverse("visas:desk", kwargs={"slug": forum.slug})).content.decode()
    # The letterhead is set up in the console, not the admin.
    assert f'href="{reverse("organizer:letters-setup", args=[forum.slug])}"' in desk
    # Superusers keep their way into the admin from the console.
    html = admin.get(pages[1]).content.decode()
    assert f'href="{reverse("admin:index")}"' in html
    grid = organizer.get(reverse("panels:organizer-schedule", args=[forum.slug])).content.decode()
    assert f'href="{reverse("organizer:panel-edit", args=[forum.slug, panel.pk])}"' in grid  # "Edit" on the grid
