"""The proposal API: organizers start, poll, fetch, accept or discard; others are kept out."""

import pytest
from django.urls import reverse

from panels import services
from panels.models import Panel, ScheduleProposal
from tests.factories import PanelFactory, UserFactory
from tests.panels.conftest import at

LIST = reverse("v1:schedule-proposal-list")


def detail(proposal_id, action=None):
    if action:
        return reverse(f"v1:schedule-proposal-{action}", args=[proposal_id])
    return reverse("v1:schedule-proposal-detail", args=[proposal_id])


@pytest.fixture
def drafts(forum, hall, side_room):
    return [PanelFactory(forum=forum, planned_minutes=45) for _ in range(3)]


def start(client, forum, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, {"forum": forum.slug, "time_limit": 2, **extra}, content_type="application/json")
    assert response.status_code == 202, response.content
    return response.json()


def test_an_organizer_starts_polls_and_accepts_a_proposal(
    organizer_client, forum, drafts, django_capture_on_commit_callbacks
):
    started = start(organizer_client, forum, django_capture_on_commit_callbacks)
    assert started["status"] in {"queued", "done"}
    polled = organizer_client.get(detail(started["id"])).json()
    assert polled["status"] == "done" and polled["progress"] == 100
    assert len(polled["result"]["changes"]) == 3
    accepted = organizer_client.post(detail(started["id"], "accept"), {}, content_type="application/json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert Panel.objects.filter(forum=forum, status=Panel.Status.SCHEDULED).count() == 3


def test_accepting_some_panels_by_id(organizer_client, forum, drafts, django_capture_on_commit_callbacks):
    started = start(organizer_client, forum, django_capture_on_commit_callbacks)
    response = organizer_client.post(
        detail(started["id"], "accept"), {"panels": [drafts[1].pk]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert list(Panel.objects.filter(status=Panel.Status.SCHEDULED).values_list("pk", flat=True)) == [drafts[1].pk]


def test_a_stale_proposal_answers_409_with_the_reason(
    organizer_client, forum, drafts, hall, django_capture_on_commit_callbacks
):
    started = start(organizer_client, forum, django_capture_on_commit_callbacks)
    services.schedule_panel(panel=drafts[0], room=hall, start=at(forum, 1, "16:00"), end=at(forum, 1, "16:45"))
    response = organizer_client.post(detail(started["id"], "accept"), {}, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_proposal" and drafts[0].title in body["detail"]


def test_bad_settings_answer_400(organizer_client, forum):
    response = organizer_client.post(LIST, {"forum": forum.slug, "slot_minutes": 7}, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["slot_minutes"]
    assert not ScheduleProposal.objects.exists()


def test_unknown_panels_to_accept_answer_404(organizer_client, forum, drafts, django_capture_on_commit_callbacks):
    started = start(organizer_client, forum, django_capture_on_commit_callbacks)
    response = organizer_client.post(
        detail(started["id"], "accept"), {"panels": [999999]}, content_type="application/json"
    )
    assert response.status_code == 404 and response.json()["code"] == "not_in_proposal"


def test_people_who_are_not_organizers_cannot_propose(client, forum):
    assert client.post(LIST, {"forum": forum.slug}, content_type="application/json").status_code == 401
    client.force_login(UserFactory())
    assert client.post(LIST, {"forum": forum.slug}, content_type="application/json").status_code == 403
    assert client.get(LIST).status_code == 403
