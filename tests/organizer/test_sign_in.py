"""Signing in to the console: the branded page, who may sign in, where they land, and a password
reset by email through the outbox."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import OutboxMessage
from notifications.services import REDACTED_LINK
from tests.factories import ForumFactory, OrganizerFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.mark.parametrize(
    ("language", "title"),
    [("az", "Təşkilatçıların girişi"), ("en", "Organizer sign-in"), ("ru", "Вход для организаторов"),
     ("tr", "Organizatör girişi")],
)  # fmt: skip
def test_sign_in_page_speaks_four_languages(client, language, title):
    client.cookies["django_language"] = language
    html = client.get(reverse("organizer:login")).content.decode()
    assert title in html
    assert reverse("organizer:password-reset") in html


def test_every_public_page_links_to_the_sign_in_in_its_footer(client):
    ForumFactory()
    html = client.get("/").content.decode()
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert f'href="{reverse("organizer:login")}"' in footer


def test_organizer_pages_send_visitors_to_the_consoles_sign_in_and_back(client):
    forum = ForumFactory()
    page = reverse("organizer:dashboard", args=[forum.slug])
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("organizer:login") + "?next=")
    organizer = OrganizerFactory()
    organizer.save()
    response = client.post(
        reverse("organizer:login"), {"username": organizer.username, "password": PASSWORD, "next": page}
    )
    assert response.status_code == 302 and response["Location"] == page


def test_signing_in_lands_on_the_editions(client):
    organizer = OrganizerFactory()
    organizer.save()
    forum = ForumFactory()
    response = client.post(reverse("organizer:login"), {"username": organizer.username, "password": PASSWORD})
    assert response["Location"] == reverse("organizer:editions")
    html = client.get(response["Location"]).content.decode()
    assert reverse("organizer:dashboard", args=[forum.slug]) in html


def test_accounts_outside_the_organizers_cannot_sign_in_here(client):
    user = UserFactory(is_staff=True)
    user.save()
    client.cookies["django_language"] = "en"
    response = client.post(reverse("organizer:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "not an organizer" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_in_the_visitors_language(client):
    organizer = OrganizerFactory()
    organizer.save()
    client.cookies["django_language"] = "ru"
    response = client.post(reverse("organizer:login"), {"username": organizer.username, "password": "nope"})
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.content.decode()


def test_password_reset_mail_goes_through_the_outbox_and_its_link_works_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    organizer = OrganizerFactory(email="lead@example.org")
    organizer.save()
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):  # the outbox delivers once the request commits
        response = client.post(reverse("organizer:password-reset"), {"email": "LEAD@example.org"})
    assert response["Location"] == reverse("organizer:password-reset-sent")
    message = OutboxMessage.objects.get(kind="organizer_password_reset")
    assert message.recipient == "lead@example.org" and message.state == OutboxMessage.State.SENT
    assert message.context["reset_url"] == REDACTED_LINK  # the link lives only in the mailbox
    body = mail.outbox[-1].body
    link = re.search(r"http://testserver(/organizer/password-reset/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = "a-new-long-pass-phrase-2027"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("organizer:password-reset-complete")
    organizer.refresh_from_db()
    assert organizer.check_password(new)
    again = client.get(link, follow=True)
    assert "no longer valid" in again.content.decode()


def test_password_reset_says_the_same_for_unknown_addresses_and_sends_nothing(client):
    attendee = UserFactory(email="guest@example.org")
    attendee.save()
    for address in ("nobody@example.org", "guest@example.org"):
        response = client.post(reverse("organizer:password-reset"), {"email": address})
        assert response["Location"] == reverse("organizer:password-reset-sent")
    assert not OutboxMessage.objects.filter(kind="organizer_password_reset").exists()


def test_signing_out_needs_a_post_and_returns_to_the_sign_in(client):
    organizer = OrganizerFactory()
    organizer.save()
    client.force_login(organizer)
    response = client.post(reverse("organizer:logout"))
    assert response["Location"] == reverse("organizer:login")
    assert "_auth_user_id" not in client.session


def test_asking_for_reset_links_is_limited_per_client_and_per_address(settings):
    from django.test import Client

    settings.LINK_AGAIN_RATE = "2/h"  # the budget of every form that emails a link
    url = reverse("organizer:password-reset")
    client = Client(REMOTE_ADDR="198.51.100.70")
    assert [client.post(url, {"email": f"a{n}@example.org"}).status_code for n in range(3)] == [302, 302, 429]
    for number in range(2):  # one address asked for from many clients
        assert Client(REMOTE_ADDR=f"198.51.100.{80 + number}").post(url, {"email": "x@example.org"}).status_code == 302
    assert Client(REMOTE_ADDR="198.51.100.90").post(url, {"email": "X@example.org"}).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.91").get(url).status_code == 200  # reading the form is free


def test_the_reset_link_page_is_limited_per_client(settings):
    from django.test import Client

    settings.PASSWORD_RESET_LINK_RATE = "2/h"
    client = Client(REMOTE_ADDR="198.51.100.71", HTTP_ACCEPT_LANGUAGE="en")
    link = reverse("organizer:password-reset-confirm", kwargs={"uidb64": "MQ", "token": "abc-def"})
    assert [client.get(link).status_code for _ in range(2)] == [200, 200]
    assert client.get(link).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.72").get(link).status_code == 200
