"""No public API answer carries personal data (email, phone, passport, travel), whichever public
operation of the router it comes from.

The public operations are read from the router with the permission matrix's policies, so a new
public endpoint is crawled too (its detail route needs a row in ``DETAIL_LOOKUPS``).
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from api.urls import router
from panels import services as panel_services
from panels.models import Participation
from speakers import services as speaker_services
from tests.api.test_permission_matrix import POLICIES
from tests.api.test_query_counts import FORUM, LIST_QUERIES
from tests.factories import OrganizerFactory, applicant_input, register_attendee
from tests.speakers.conftest import make_panel, sent_invitation
from visas import services as visa_services

SECRETS = {
    "speaker email": "zaur.private-box@secret.example",
    "speaker phone": "+994 55 700 13 13",
    "passport": "QZ9876543",
    "flight": "XQ7777",
    "diet": "secret-diet-gluten",
    "attendee email": "nigar.private@secret.example",
    "attendee phone": "+994 50 222 44 66",
    "organizer email": "vusal.scheduler@secret.example",
    "organizer username": "vusal-scheduler-77",
}

# basename -> the object a public detail route is read with
DETAIL_LOOKUPS = {
    "forum": lambda data: {"slug": data["forum"].slug},
    "theme": lambda data: {"pk": data["panel"].theme_id},
    "room": lambda data: {"pk": data["panel"].room_id},
    "panel": lambda data: {"pk": data["panel"].pk},
    "speaker": lambda data: {"pk": data["speaker"].pk},
}


@pytest.fixture
def data(forum):
    panel = make_panel(forum, title="Securing the energy grid")
    invitation, _token = sent_invitation(
        forum, email=SECRETS["speaker email"], phone=SECRETS["speaker phone"], publish_consent=True
    )
    speaker_services.offer_panel(invitation=invitation, panel=panel, role=Participation.Role.PANELIST)
    speaker_services.accept_invitation(invitation=invitation, panel_answers={panel.pk: True})
    speaker_services.update_travel(
        invitation=invitation, needs_visa_letter=True, arrival_flight=SECRETS["flight"], dietary_needs=SECRETS["diet"]
    )
    # The passport where the letter step keeps it.
    visa_services.save_applicant(invitation=invitation, **applicant_input(forum, passport_number=SECRETS["passport"]))
    register_attendee(forum, email=SECRETS["attendee email"], phone=SECRETS["attendee phone"], panel_ids=[panel.pk])
    # An organizer moves the published panel: the public change list shows the move, never who made it.
    organizer = OrganizerFactory(username=SECRETS["organizer username"], email=SECRETS["organizer email"])
    shorter = panel.end - datetime.timedelta(minutes=15)
    panel_services.move_panel(panel=panel, start=panel.start, end=shorter, actor=organizer)
    return {"forum": forum, "panel": panel, "speaker": invitation.speaker}


def public_reads():
    reads = []
    for _prefix, _viewset, basename in router.registry:
        policies = POLICIES.get(basename, {})
        if policies.get("list") == "public":
            reads.extend((basename, "list", params) for params in LIST_QUERIES[basename])
        if policies.get("retrieve") == "public":
            reads.append((basename, "detail", {}))
    return reads


@pytest.mark.django_db
def test_no_public_api_answer_carries_personal_data(data):
    client = Client()
    crawled = []
    for basename, route, params in public_reads():
        kwargs = DETAIL_LOOKUPS[basename](data) if route == "detail" else {}
        url = reverse(f"v1:{basename}-{route}", kwargs=kwargs)
        query = {key: (data["forum"].slug if value is FORUM else value) for key, value in params.items()}
        response = client.get(url, query)
        assert response.status_code == 200, (url, query)
        text = response.content.decode().lower()
        leaked = [name for name, value in SECRETS.items() if value.lower() in text]
        assert not leaked, f"{url} {query} shows {leaked}"
        crawled.append((url, text))
    # The crawl saw the speaker and the panel, so absence of secrets means something.
    assert any(data["speaker"].last_name.lower() in text for _url, text in crawled)
    assert any("securing the energy grid" in text for _url, text in crawled)
    assert any("/schedule-changes/" in url and '"moved"' in text for url, text in crawled)
