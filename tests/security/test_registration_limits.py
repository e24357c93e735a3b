"""Registration limits that fit a national forum: a whole ministry registers from one address,
bots and floods stay out (accepted sign-ups counted per address and per email, honeypot, timing)."""

import time

import pytest
from django.test import Client

from notifications.models import OutboxMessage
from registration.forms import form_stamp
from registration.models import Registration
from tests.factories import ForumFactory, registration_input

pytestmark = pytest.mark.django_db
MINISTRY = "198.51.100.200"


def _form(number, **overrides):
    data = registration_input(number)
    data.update(consent="on", website="", started=form_stamp(time.time() - 60))
    data.update(overrides)
    return data


def _url(forum):
    return f"/forums/{forum.slug}/register/"


def test_forty_colleagues_behind_one_address_all_register_even_after_typos():
    forum = ForumFactory(capacity=500)
    client = Client(REMOTE_ADDR=MINISTRY)
    for number in range(15):  # mistakes do not use up the office's budget
        assert client.post(_url(forum), _form(number, email="not-an-email")).status_code == 400
    for number in range(40):
        assert client.post(_url(forum), _form(number)).status_code == 302
    assert Registration.objects.count() == 40


def test_the_address_ceiling_counts_accepted_sign_ups(settings):
    settings.REGISTRATION_ADDRESS_RATE = "3/h"
    forum = ForumFactory()
    client = Client(REMOTE_ADDR=MINISTRY, HTTP_ACCEPT_LANGUAGE="en")
    for number in range(3):
        assert client.post(_url(forum), _form(number)).status_code == 302
    response = client.post(_url(forum), _form(99))
    assert response.status_code == 429
    assert "Too many registrations" in response.content.decode()
    assert Registration.objects.count() == 3
    assert Client(REMOTE_ADDR="203.0.113.5").post(_url(forum), _form(100)).status_code == 302


def test_one_email_cannot_flood_its_mailbox_with_links(settings):
    forum = ForumFactory()
    for attempt in range(3):
        client = Client(REMOTE_ADDR=f"203.0.113.{attempt + 1}")
        assert client.post(_url(forum), _form(7, email="target@example.org")).status_code == 302
    mails = OutboxMessage.objects.filter(recipient="target@example.org").count()
    response = Client(REMOTE_ADDR="203.0.113.99").post(_url(forum), _form(7, email="TARGET@example.org"))
    assert response.status_code == 429
    assert OutboxMessage.objects.filter(recipient="target@example.org").count() == mails


@pytest.mark.parametrize(
    "stamp",
    [None, "forged", lambda: form_stamp(time.time())],
    ids=["missing", "forged", "too-fast"],
)
def test_a_form_without_a_plausible_fill_time_is_answered_like_success_and_stored_nowhere(client, stamp):
    forum = ForumFactory()
    data = _form(1)
    if stamp is None:
        del data["started"]
    else:
        data["started"] = stamp() if callable(stamp) else stamp
    response = client.post(_url(forum), data)
    assert response.status_code == 302
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_form_carries_its_signed_start_time(client):
    forum = ForumFactory()
    assert 'name="started"' in client.get(_url(forum)).content.decode()


def test_the_api_shares_the_accepted_budgets(settings):
    settings.REGISTRATION_EMAIL_RATE = "1/h"
    forum = ForumFactory()
    client = Client(REMOTE_ADDR=MINISTRY)
    body = {**registration_input(5), "forum": forum.slug}
    assert client.post("/api/v1/registrations/", body, content_type="application/json").status_code == 202
    again = client.post("/api/v1/registrations/", body, content_type="application/json")
    assert again.status_code == 429
    assert again.json()["code"] == "throttled"
