"""Every content type the API advertises reads a body alike: an absent boolean is absent, and the
routes have no format-suffix variants."""

import pytest
from django.urls import get_resolver

from notifications.models import OutboxMessage
from speakers.models import Invitation
from tests.speakers.conftest import sent_invitation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("content_type", ["form", "multipart"])
def test_respond_without_attend_is_a_400_and_declines_nothing(client, forum, content_type):
    invitation, token = sent_invitation(forum)
    invitation.state = Invitation.State.ACCEPTED
    invitation.save(update_fields=["state"])
    mails = OutboxMessage.objects.count()
    url = f"/api/v1/rsvp/{token}/respond/"
    if content_type == "form":
        response = client.post(url, data="reason=busy", content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(url, {"reason": "busy"})
    assert response.status_code == 400
    assert "attend" in response.json()["fields"]
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED
    assert OutboxMessage.objects.count() == mails


def test_registration_without_consent_in_a_form_body_is_a_400(client, forum):
    from tests.factories import registration_input

    data = registration_input(forum=forum.slug)
    del data["consent"]
    response = client.post("/api/v1/registrations/", data)
    assert response.status_code == 400
    assert "consent" in response.json()["fields"]


def test_no_api_route_has_a_format_suffix_variant():
    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    names = []

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern, prefix + str(pattern.pattern))
            else:
                names.append(prefix + str(pattern.pattern))

    walk(api)
    assert patterns and names
    assert not [name for name in names if "format" in name]


def test_a_format_suffix_on_an_action_is_a_404(client, forum):
    _invitation, token = sent_invitation(forum)
    assert client.post(f"/api/v1/rsvp/{token}/respond.json", {"attend": True}).status_code == 404
    assert client.get(f"/api/v1/rsvp/{token}.api/").status_code == 404
