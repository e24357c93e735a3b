import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from panels.models import Availability, Participation
from speakers import services
from speakers.models import Invitation, Speaker
from tests.factories import SpeakerFactory, UserFactory
from tests.speakers.conftest import make_panel, sent_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def organizer_api(organizer):
    client = APIClient()
    client.force_authenticate(organizer)
    return client


def test_organizer_crud_of_speakers(organizer_api):
    body = {
        "first_name": "Olena", "last_name": "Kovalenko", "country": "UA", "email": "Olena@Demo.example",
        "organization": "CERT-UA", "bio": {"en": "Incident handler.", "ru": "Специалист по инцидентам."},
        "position": {"en": "Analyst"}, "preferred_language": "en", "publish_consent": True,
    }  # fmt: skip
    created = organizer_api.post("/api/v1/organizer/speakers/", body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["email"] == "olena@demo.example" and data["bio"]["ru"] == "Специалист по инцидентам."
    speaker = Speaker.objects.get(pk=data["id"])
    assert speaker.publish_consent_at is not None
    duplicate = organizer_api.post("/api/v1/organizer/speakers/", body, format="json")
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate_email"
    patched = organizer_api.patch(f"/api/v1/organizer/speakers/{speaker.pk}/", {"phone": "+380 44 000"}, format="json")
    assert patched.status_code == 200 and patched.json()["phone"] == "+380 44 000"
    bad = organizer_api.post(
        "/api/v1/organizer/speakers/", {**body, "email": "x@y.example", "country": "QQ"}, format="json"
    )
    assert bad.status_code == 400 and "country" in bad.json()["fields"]
    assert organizer_api.delete(f"/api/v1/organizer/speakers/{speaker.pk}/").status_code == 204


def test_organizer_api_is_closed_to_the_public(api):
    assert api.get("/api/v1/organizer/speakers/").status_code in {401, 403}
    assert api.get("/api/v1/organizer/invitations/").status_code in {401, 403}
    user = UserFactory()
    client = APIClient()
    client.force_authenticate(user)
    assert client.get("/api/v1/organizer/invitations/").status_code == 403


def test_organizer_invitation_lifecycle(organizer_api, forum):
    speaker = SpeakerFactory()
    panel = make_panel(forum)
    created = organizer_api.post(
        "/api/v1/organizer/invitations/", {"forum": forum.slug, "speaker": speaker.pk}, format="json"
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["state"] == "draft"
    offered = organizer_api.post(
        f"/api/v1/organizer/invitations/{pk}/offer-panel/", {"panel": panel.pk, "role": "chair"}, format="json"
    )
    assert offered.json()["offered_panels"][0]["role"] == "chair"
    assert organizer_api.post(f"/api/v1/organizer/invitations/{pk}/send/").json()["state"] == "sent"
    again = organizer_api.post(f"/api/v1/organizer/invitations/{pk}/send/")
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    reminded = organizer_api.post(f"/api/v1/organizer/invitations/{pk}/remind/")
    assert reminded.json()["reminded"] is True
    # A state is changed by the actions only: a body that tries to set it is refused, field named.
    refused = organizer_api.patch(f"/api/v1/organizer/invitations/{pk}/", {"state": "accepted"}, format="json")
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["state"]
    assert organizer_api.get(f"/api/v1/organizer/invitations/{pk}/").json()["state"] == "sent"
    assert organizer_api.post(f"/api/v1/organizer/invitations/{pk}/withdraw/").json()["state"] == "withdrawn"
    duplicate = organizer_api.post(
        "/api/v1/organizer/invitations/", {"forum": forum.slug, "speaker": speaker.pk}, format="json"
    )
    assert duplicate.status_code == 409


def test_rsvp_api_answers_travel_and_availability(api, forum):
    panel = make_panel(forum)
    invitation, token = sent_invitation(forum, country="BR")
    services.offer_panel(invitation=invitation, panel=panel)
    shown = api.get(f"/api/v1/rsvp/{token}/")
    assert shown.status_code == 200 and shown.json()["state"] == "viewed"
    answered = api.post(
        f"/api/v1/rsvp/{token}/respond/", {"attend": True, "panels": {str(panel.pk): True}}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["state"] == "accepted"
    assert Participation.objects.filter(speaker=invitation.speaker, panel=panel).exists()
    travel = api.patch(
        f"/api/v1/rsvp/{token}/travel/",
        {"arrival_date": str(forum.start_date), "accommodation": "hotel", "dietary_needs": "vegan"},
        format="json",
    )
    assert travel.status_code == 200 and travel.json()["accommodation"] == "hotel"
    start = forum.local_datetime(forum.start_date, datetime.time(9))
    windows = {"windows": [{"start": start.isoformat(), "end": (start + datetime.timedelta(hours=3)).isoformat()}]}
    assert api.put(f"/api/v1/rsvp/{token}/availability/", windows, format="json").status_code == 200
    assert Availability.objects.filter(speaker=invitation.speaker).count() == 1
    # The passport goes with the visa applicant's data: said plainly, nothing saved.
    refused = api.patch(
        f"/api/v1/rsvp/{token}/travel/",
        {"needs_visa_letter": True, "nationality": "BR", "passport_number": "X1234567"},
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"nationality", "passport_number"}
    invitation.refresh_from_db()
    assert invitation.needs_visa_letter is False and invitation.passport_number == ""


def test_rsvp_api_gives_one_answer_to_every_bad_token(api, forum):
    invitation, token = sent_invitation(forum)
    services.withdraw_invitation(invitation=invitation)
    bodies = set()
    for candidate in (token, token[:-1] + "Q", "nope", "%00%ff", "a" * 300):
        response = api.get(f"/api/v1/rsvp/{candidate}/")
        assert response.status_code == 404
        bodies.add(response.content)
        assert api.post(f"/api/v1/rsvp/{candidate}/respond/", {"attend": True}, format="json").status_code == 404
    assert len(bodies) == 1
    assert Invitation.objects.get(pk=invitation.pk).state == Invitation.State.WITHDRAWN


def test_rsvp_api_is_throttled(api, forum, settings):
    settings.RSVP_RATE_LIMIT = "2/min"  # the budget the RSVP pages and the API share
    codes = [api.get("/api/v1/rsvp/" + "z" * 43 + "/").status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_organizer_list_runs_the_same_queries_at_any_size(organizer_api, forum, django_assert_num_queries):
    panel = make_panel(forum)

    def add(n):
        for _ in range(n):
            invitation, _t = sent_invitation(forum)
            services.offer_panel(invitation=invitation, panel=panel)

    add(2)
    organizer_api.get("/api/v1/organizer/speakers/")  # the organizer's permissions are cached from here on
    for url in ("/api/v1/organizer/invitations/", "/api/v1/organizer/speakers/"):
        with CaptureQueriesContext(connection) as small:
            assert organizer_api.get(url).status_code == 200
        add(3)
        with django_assert_num_queries(len(small.captured_queries)):
            organizer_api.get(url)


def test_deleting_a_speaker_through_the_api_goes_through_the_service_that_logs_and_announces(
    organizer_api, organizer, forum, caplog
):
    from speakers.signals import speaker_deleted

    speaker = SpeakerFactory()
    panel = make_panel(forum)
    Participation.objects.create(panel=panel, speaker=speaker)
    heard = []

    def listener(sender, *, speaker, panel_ids, by, **kwargs):
        heard.append((speaker.pk, panel_ids, by.pk, Speaker.objects.filter(pk=speaker.pk).exists()))

    speaker_deleted.connect(listener, dispatch_uid="test.speaker_deleted")
    try:
        with caplog.at_level("INFO", logger="speakers.services"):
            assert organizer_api.delete(f"/api/v1/organizer/speakers/{speaker.pk}/").status_code == 204
    finally:
        speaker_deleted.disconnect(dispatch_uid="test.speaker_deleted")
    assert heard == [(speaker.pk, [panel.pk], organizer.pk, True)]
    assert f"Speaker {speaker.pk} deleted by {organizer.pk}" in caplog.text
    assert not Speaker.objects.filter(pk=speaker.pk).exists()
    assert not Participation.objects.filter(panel=panel).exists()
