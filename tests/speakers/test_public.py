"""Public speaker pages and API: consented participants only, and never personal data."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from panels.models import Participation
from speakers import services
from speakers.models import Invitation
from tests.factories import SpeakerFactory, applicant_input
from tests.speakers.conftest import make_panel, sent_invitation
from visas import services as visa_services

pytestmark = pytest.mark.django_db

SECRETS = {
    "email": "zaur.secret-mail@private.example",
    "phone": "+994 55 700 13 13",
    "passport": "QZ9876543",
    "flight": "XQ7777",
    "diet": "secret-diet-gluten",
    "access": "secret-wheelchair-ramp",
}


@pytest.fixture
def exposed_speaker(forum):
    """A consented, accepted speaker on a published panel, with every kind of personal data set."""
    panel = make_panel(forum, title="Securing the energy grid")
    invitation, _token = sent_invitation(
        forum,
        first_name="Zaur",
        last_name="Həsənov",
        country="GE",
        email=SECRETS["email"],
        phone=SECRETS["phone"],
        organization="Grid Defence Lab",
        publish_consent=True,
        bio="Leads grid security research.",
    )
    services.offer_panel(invitation=invitation, panel=panel, role=Participation.Role.PANELIST)
    services.accept_invitation(invitation=invitation, panel_answers={panel.pk: True})
    services.update_travel(
        invitation=invitation,
        needs_visa_letter=True,
        arrival_flight=SECRETS["flight"],
        dietary_needs=SECRETS["diet"],
        accessibility_needs=SECRETS["access"],
    )
    # The passport as the letter step holds it, and as an earlier travel form stored it.
    Invitation.objects.filter(pk=invitation.pk).update(passport_number=SECRETS["passport"])
    visa_services.save_applicant(
        invitation=invitation,
        **applicant_input(forum, surname="Hasanov", given_names="Zaur", passport_number=SECRETS["passport"]),
    )
    return invitation


def _assert_no_secrets(text):
    lowered = text.lower()
    for name, value in SECRETS.items():
        assert value.lower() not in lowered, f"{name} leaked"
    assert "zaur.secret-mail" not in lowered


def test_public_pages_and_api_show_the_profile_but_no_personal_data(forum, exposed_speaker):
    client = Client()
    speaker = exposed_speaker.speaker
    urls = [
        f"/forums/{forum.slug}/speakers/",
        f"/forums/{forum.slug}/speakers/{speaker.pk}/",
        "/api/v1/speakers/",
        f"/api/v1/speakers/?forum={forum.slug}",
        f"/api/v1/speakers/{speaker.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Həsənov" in text or "H\\u0259s\\u0259nov" in text, url
        _assert_no_secrets(text)
    profile = client.get(f"/forums/{forum.slug}/speakers/{speaker.pk}/").content.decode()
    assert "Grid Defence Lab" in profile and "Securing the energy grid" in profile
    data = client.get(f"/api/v1/speakers/{speaker.pk}/").json()
    assert set(data) == {
        "id", "display_name", "full_name", "honorific", "first_name", "last_name", "first_name_latin",
        "last_name_latin", "position", "organization", "country", "bio", "photo",
    }  # fmt: skip


def test_every_public_api_response_is_free_of_personal_data(forum, exposed_speaker):
    client = Client()
    for url in ("/api/v1/speakers/", "/api/v1/forums/", "/api/v1/themes/", "/api/v1/rooms/", "/api/schema/"):
        response = client.get(url)
        if response.status_code == 200:
            _assert_no_secrets(response.content.decode())


def test_speakers_without_consent_or_participation_are_not_public(forum, exposed_speaker):
    client = Client()
    shy, _t = sent_invitation(forum, last_name="Shyperson", publish_consent=False)
    services.accept_invitation(invitation=shy)
    pending, _t = sent_invitation(forum, last_name="Pendingperson", publish_consent=True)
    stranger = SpeakerFactory(last_name="Strangerperson", publish_consent=True)
    listing = client.get(f"/forums/{forum.slug}/speakers/").content.decode()
    api = json.dumps(client.get("/api/v1/speakers/").json())
    for name in ("Shyperson", "Pendingperson", "Strangerperson"):
        assert name not in listing and name not in api
    for speaker in (shy.speaker, pending.speaker, stranger):
        assert client.get(f"/forums/{forum.slug}/speakers/{speaker.pk}/").status_code == 404
        assert client.get(f"/api/v1/speakers/{speaker.pk}/").status_code == 404


def test_a_speaker_who_declines_disappears_from_the_public_list(forum, exposed_speaker):
    services.decline_invitation(invitation=exposed_speaker)
    assert "Həsənov" not in Client().get(f"/forums/{forum.slug}/speakers/").content.decode()


def test_public_list_runs_the_same_queries_at_any_size(forum, django_assert_num_queries):
    client = Client()

    def add(n):
        for index in range(n):
            panel = make_panel(forum, title=f"Panel {index}-{n}", hour=9 + index % 8)
            invitation, _t = sent_invitation(forum)
            services.offer_panel(invitation=invitation, panel=panel)
            services.accept_invitation(invitation=invitation, panel_answers={panel.pk: True})

    add(2)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/forums/{forum.slug}/speakers/")
    add(6)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(f"/forums/{forum.slug}/speakers/")
    assert response.content.decode().count('class="speaker-card"') == 8
    with CaptureQueriesContext(connection) as api_small:
        client.get(f"/api/v1/speakers/?forum={forum.slug}")
    add(3)
    with django_assert_num_queries(len(api_small.captured_queries)):
        data = client.get(f"/api/v1/speakers/?forum={forum.slug}").json()
    assert data["count"] == 11


def test_unknown_or_draft_forum_has_no_speaker_page(forum):
    from forum.models import Forum

    assert Client().get("/forums/nope/speakers/").status_code == 404
    Forum.objects.filter(pk=forum.pk).update(status=Forum.Status.DRAFT)
    assert Client().get(f"/forums/{forum.slug}/speakers/").status_code == 404
    assert Invitation.objects.count() == 0
