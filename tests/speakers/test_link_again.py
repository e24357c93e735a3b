"""'Email me my link again' on the invalid-link page: a fresh RSVP link to the address on file,
the same answer for an unknown address, and a limit per address and per client."""

import re

from django.urls import reverse

from notifications.models import OutboxMessage
from notifications.services import render_message
from tests.speakers.conftest import sent_invitation

URL = reverse("speakers:link-again")


def _page(response):
    """The page without its per-request CSRF token (masked differently on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_a_known_address_gets_a_fresh_link_and_an_unknown_one_the_same_answer(client, forum):
    sent_invitation(forum, email="Expert@Example.org", preferred_language="ru")
    before = OutboxMessage.objects.count()
    known = client.post(URL, {"email": "expert@example.org"})
    unknown = client.post(URL, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _page(known) == _page(unknown)
    message = OutboxMessage.objects.get(kind="speaker_link")
    assert OutboxMessage.objects.count() == before + 1
    assert message.recipient == "Expert@Example.org" and message.language == "ru"
    subject, text, _html = render_message(message)
    assert "/rsvp/" in text and subject.startswith("Ваша личная ссылка")
    page = client.get(message.context["rsvp_url"])
    assert page.status_code == 200


def test_the_invalid_link_page_offers_the_form(client, db):
    page = client.get(reverse("speakers:rsvp", args=["x" * 43]))
    assert page.status_code == 404
    assert f'action="{URL}"' in page.content.decode()


def test_asking_again_and_again_is_limited(client, forum, settings):
    settings.LINK_AGAIN_RATE = "2/h"
    sent_invitation(forum, email="expert@example.org")
    for _ in range(5):
        assert client.post(URL, {"email": "expert@example.org"}).status_code == 200
    assert OutboxMessage.objects.filter(kind="speaker_link").count() == 1  # one an hour, then limited
