"""Every API operation, by every kind of caller, generated from the v1 router.

A viewset or action added to the router without a row in POLICIES fails
`test_every_routed_operation_has_a_policy`, so no endpoint escapes the matrix.

Policies:
- public: anyone reads (200).
- organizer: organizers and superusers are let through (the answer may still be 400/404/409
  for the empty body we send), everyone else is stopped (401 anonymous, 403 signed in).
- open: anyone may call it (public sign-up); the answer depends on the body, never 401/403.
- token: addressed by a secret token in the URL, never by role: a wrong token is 404 for all.
"""

import pytest
from django.urls import reverse

from api.urls import router
from panels.models import ScheduleProposal
from tests.factories import (
    ForumFactory,
    InvitationFactory,
    OrganizerFactory,
    PanelFactory,
    RoomFactory,
    SpeakerFactory,
    UserFactory,
    inviting_organization,
)

ROLES = ["anonymous", "attendee", "speaker", "organizer", "superuser"]
PRIVILEGED = {"organizer", "superuser"}

STANDARD_ACTIONS = {
    "list": ("get", False),
    "create": ("post", False),
    "retrieve": ("get", True),
    "update": ("put", True),
    "partial_update": ("patch", True),
    "destroy": ("delete", True),
}

# basename -> {action: policy}
POLICIES = {
    "forum": {"list": "public", "retrieve": "public"},
    "theme": {"list": "public", "retrieve": "public"},
    "room": {"list": "public", "retrieve": "public"},
    "registration": {"list": "organizer", "create": "open"},
    "registration-manage": {"retrieve": "token", "partial_update": "token", "confirm": "token", "cancel": "token"},
    "checkin": {"create": "organizer"},
    "panel": {
        "list": "public",
        "retrieve": "public",
        "create": "organizer",
        **dict.fromkeys(["schedule", "move", "unschedule", "publish", "cancel"], "organizer"),
    },
    "schedule-change": {"list": "public"},
    "schedule-proposal": dict.fromkeys(["list", "create", "retrieve", "accept", "discard"], "organizer"),
    "speaker": {"list": "public", "retrieve": "public"},
    "organizer-speaker": dict.fromkeys(
        ["list", "create", "retrieve", "update", "partial_update", "destroy"], "organizer"
    ),
    "organizer-invitation": dict.fromkeys(
        [
            "list",
            "create",
            "retrieve",
            "update",
            "partial_update",
            "send",
            "remind",
            "withdraw",
            "offer_panel",
        ],
        "organizer",
    ),
    "rsvp": dict.fromkeys(["retrieve", "respond", "travel", "availability"], "token"),
    # visas: what the console sets up, an invitation's letter, and the speaker's own by token.
    "inviting-organization": dict.fromkeys(["list", "retrieve", "update", "partial_update"], "organizer"),
    "arrival-info": dict.fromkeys(["list", "retrieve", "update", "partial_update"], "organizer"),
    "signatory": dict.fromkeys(["list", "create", "retrieve", "update", "partial_update", "destroy"], "organizer"),
    "invitation-letter": {"visa_letter": "organizer"},
    "rsvp-visa": dict.fromkeys(["visa_applicant", "visa_letter"], "token"),
    "outbox": dict.fromkeys(["list", "retrieve", "resend", "cancel"], "organizer"),
}


def _lookup_value(basename, data):
    """A real object id/slug for detail routes, per basename."""
    return {
        "forum": data["forum"].slug,
        "theme": data["forum"].themes.first().pk,
        "room": data["room"].pk,
        "registration-manage": "not-a-real-token-" + "x" * 27,
        "panel": data["panel"].pk,
        "speaker": data["speaker"].pk,
        "organizer-speaker": data["speaker"].pk,
        "organizer-invitation": data["invitation"].pk,
        "rsvp": "not-a-real-token-" + "x" * 27,
        "rsvp-visa": "not-a-real-token-" + "x" * 27,
        "inviting-organization": data["forum"].slug,
        "arrival-info": data["forum"].slug,
        "signatory": data["signatory"].pk,
        "invitation-letter": data["invitation"].pk,
        "outbox": data["message"].pk,
        "schedule-proposal": data["proposal"].pk,
    }[basename]


def routed_operations():
    operations = []
    for _prefix, viewset, basename in router.registry:
        for action, (method, detail) in STANDARD_ACTIONS.items():
            if hasattr(viewset, action):
                operations.append((basename, action, method, detail, None))
        for extra in viewset.get_extra_actions():
            for method in extra.mapping:
                operations.append((basename, extra.__name__, method, extra.detail, extra.url_name))
    return operations


OPERATIONS = routed_operations()


def test_every_routed_operation_has_a_policy():
    missing = [
        f"{basename}.{action}" for basename, action, *_ in OPERATIONS if action not in POLICIES.get(basename, {})
    ]
    assert not missing, f"Add these operations to the permission matrix: {missing}"


@pytest.fixture
def data(db):
    import datetime

    from notifications import services as notification_services
    from panels import services as panel_services

    forum = ForumFactory(slug="matrix")
    room = RoomFactory(forum=forum)
    panel = PanelFactory(forum=forum)
    start = forum.local_datetime(forum.start_date, datetime.time(10, 0))
    panel_services.schedule_panel(panel=panel, room=room, start=start, end=start + datetime.timedelta(hours=1))
    speaker = SpeakerFactory(publish_consent=True)
    panel_services.add_participant(panel=panel, speaker=speaker, role="panelist")
    panel_services.publish_panel(panel=panel)
    invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory())
    message = notification_services.enqueue(
        kind="registration_confirmation", recipient="someone@example.org", language="en", context={},
        dedupe_key="matrix:1",
    )  # fmt: skip
    proposal = ScheduleProposal.objects.create(forum=forum)  # queued: accepting it answers 409
    signatory = inviting_organization(forum).signatories.get()
    return {
        "forum": forum, "room": room, "panel": panel, "speaker": speaker, "invitation": invitation, "message": message,
        "proposal": proposal, "signatory": signatory,
    }  # fmt: skip


def _client_for(role, client):
    if role == "anonymous":
        return client
    user = {
        "attendee": lambda: UserFactory(),
        "speaker": lambda: UserFactory(email=SpeakerFactory().email),
        "organizer": lambda: OrganizerFactory(),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[role]()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("basename", "action", "method", "detail", "url_name"),
    OPERATIONS,
    ids=[f"{o[0]}.{o[1]}.{o[2]}" for o in OPERATIONS],
)
def test_operation_answers_each_role_as_its_policy_says(client, data, role, basename, action, method, detail, url_name):
    policy = POLICIES[basename][action]
    name = f"v1:{basename}-{url_name or ('detail' if detail else 'list')}"
    kwargs = {}
    if detail:
        viewset = {b: v for _p, v, b in router.registry}[basename]
        lookup = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        kwargs[lookup] = _lookup_value(basename, data)
    url = reverse(name, kwargs=kwargs)
    caller = _client_for(role, client)
    response = getattr(caller, method)(url, data={} if method != "get" else None, content_type="application/json")

    if policy == "public":
        assert response.status_code == 200, (role, url, response.content[:200])
    elif policy == "organizer":
        if role in PRIVILEGED:
            assert response.status_code not in (401, 403), (role, url, response.status_code)
        else:
            assert response.status_code == (401 if role == "anonymous" else 403), (role, url, response.status_code)
    elif policy == "open":
        assert response.status_code not in (401, 403), (role, url, response.status_code)
        assert response.status_code < 500
    elif policy == "token":
        assert response.status_code == 404, (role, url, response.status_code)
    else:
        pytest.fail(f"unknown policy {policy!r}")
