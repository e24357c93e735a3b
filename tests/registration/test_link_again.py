"""'Email me my link again' on the register page: a fresh personal link to the address on file,
the same answer for an unknown address, and a limit per address and per client."""

import re

from django.urls import reverse

from notifications.models import OutboxMessage
from notifications.services import render_message
from registration.models import Registration
from tests.factories import register_attendee


def _page(response):
    """The page without its per-request CSRF token (masked differently on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_a_registered_address_gets_a_fresh_link_and_an_unknown_one_the_same_answer(client, forum):
    register_attendee(forum, email="aysel@example.org", language="tr")
    url = reverse("registration:link_again", args=[forum.slug])
    known = client.post(url, {"email": "AYSEL@example.org"})
    unknown = client.post(url, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _page(known) == _page(unknown)
    message = OutboxMessage.objects.get(kind="registration_link")
    assert message.recipient == "aysel@example.org" and message.language == "tr"
    subject, text, _html = render_message(message)
    assert subject.startswith("Kişisel bağlantınız") and message.context["manage_url"] in text
    assert client.get(message.context["manage_url"]).status_code == 200


def test_the_register_page_offers_the_form(client, forum):
    page = client.get(reverse("registration:register", args=[forum.slug])).content.decode()
    assert f'action="{reverse("registration:link_again", args=[forum.slug])}"' in page


def test_asking_again_and_again_is_limited(client, forum, settings):
    settings.LINK_AGAIN_RATE = "2/h"
    register_attendee(forum, email="aysel@example.org")
    url = reverse("registration:link_again", args=[forum.slug])
    for _ in range(5):
        assert client.post(url, {"email": "aysel@example.org"}).status_code == 200
    assert OutboxMessage.objects.filter(kind="registration_link").count() == 1
    assert Registration.objects.count() == 1
