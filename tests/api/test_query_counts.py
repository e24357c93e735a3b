"""Every list operation of the v1 router runs the same number of queries at two data sizes.

The list operations are read from the router, so a new list endpoint without a row in
``LIST_QUERIES`` fails ``test_every_list_operation_has_query_parameters``. Public lists are
called anonymously, the others as a superuser (the policy comes from the permission matrix),
once per row of query parameters (``FORUM`` stands for the measured edition's slug).

Data is built through the factories and services: published panels with speakers (each then
moved, so the program has public changes), invitations
(sent, accepted, offered a panel), registrations (confirmed, checked in), and the outbox rows
those services queue. Growing adds rows to the measured edition and two more editions.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.urls import router
from forum.models import Theme
from notifications import services as notification_services
from notifications.models import OutboxMessage
from panels import services as panel_services
from panels.solver import proposals as proposal_services
from registration import services as registration_services
from speakers import services as speaker_services
from tests.api.test_permission_matrix import POLICIES
from tests.factories import (
    ForumFactory,
    InvitationFactory,
    PanelFactory,
    RoomFactory,
    SpeakerFactory,
    UserFactory,
    inviting_organization,
    register_attendee,
)
from visas import demo_images
from visas import services as visa_services
from visas.models import InvitingOrganization

FORUM = object()  # replaced by the measured edition's slug

# basename -> the query parameters to call its list with (one call per entry).
LIST_QUERIES = {
    "forum": [{}, {"status": "published"}, {"ordering": "edition"}],
    "theme": [{}, {"forum": FORUM}],
    "room": [{}, {"forum": FORUM}],
    "panel": [{}, {"forum": FORUM}],
    "schedule-change": [{}, {"forum": FORUM}, {"forum": FORUM, "since": "2000-01-01T00:00:00Z"}],
    "schedule-proposal": [{}, {"forum": FORUM}, {"status": "queued"}],
    "speaker": [{}, {"forum": FORUM}],
    "organizer-speaker": [{}, {"ordering": "-created_at"}],
    "organizer-invitation": [{}, {"forum": FORUM}],
    "registration": [{"forum": FORUM}, {"forum": FORUM, "status": "confirmed", "ordering": "last_name"}],
    "outbox": [{}, {"state": "queued"}, {"recipient": "example.org"}],
    # One organization and one arrival text per edition: those lists grow with the editions.
    "inviting-organization": [{}],
    "arrival-info": [{}],
    "signatory": [{}, {"forum": FORUM}, {"forum": FORUM, "is_active": "true"}],
}


def list_operations():
    """(basename, url name) of every list-shaped GET in the router."""
    found = []
    for _prefix, viewset, basename in router.registry:
        if hasattr(viewset, "list"):
            found.append((basename, f"v1:{basename}-list"))
        for extra in viewset.get_extra_actions():
            if not extra.detail and "get" in extra.mapping:
                found.append((basename, f"v1:{basename}-{extra.url_name}"))
    return found


def test_every_list_operation_has_query_parameters():
    missing = [basename for basename, _name in list_operations() if basename not in LIST_QUERIES]
    assert not missing, f"Add these list operations to LIST_QUERIES: {missing}"
    assert set(LIST_QUERIES) <= {basename for basename, _name in list_operations()}


def populate(forum, count):
    """``count`` of everything in ``forum``, each made the way the application makes it."""
    room = RoomFactory(forum=forum)
    for index in range(count):
        # Editions start with the standard themes; organizers add their own (no service for that).
        Theme.objects.create(forum=forum, code=f"extra-{forum.themes.count()}", name="Extra theme")
        start = forum.local_datetime(forum.start_date, datetime.time(9, 0)) + datetime.timedelta(hours=index)
        panel = PanelFactory(forum=forum)
        panel_services.schedule_panel(panel=panel, room=room, start=start, end=start + datetime.timedelta(hours=1))
        speaker = SpeakerFactory(publish_consent=True)
        panel_services.add_participant(panel=panel, speaker=speaker, role="panelist")
        panel_services.publish_panel(panel=panel)
        # A published panel that moves is a public change (and tells its speaker).
        panel_services.move_panel(panel=panel, room=room, start=start, end=start + datetime.timedelta(minutes=45))

        invited = SpeakerFactory(publish_consent=True)
        invitation = InvitationFactory(forum=forum, speaker=invited)
        speaker_services.offer_panel(invitation=invitation, panel=panel)
        speaker_services.send_invitation(invitation=invitation)
        speaker_services.accept_invitation(invitation=invitation)

        registration = register_attendee(forum)
        registration_services.confirm(token=registration.raw_token)
        registration.refresh_from_db()
        registration_services.check_in(forum=forum, code=registration.badge_code, now=forum.starts_at)
        register_attendee(forum)  # pending, with its confirmation message queued
        # A proposal as an organizer starts it (the solver runs only once the transaction commits).
        proposal_services.start_proposal(forum=forum, params={"time_limit": 1}, actor=None)
    # What the console sets up for visa letters: the organization and arrival text once per
    # edition, a signatory more each time.
    organization = InvitingOrganization.objects.filter(forum=forum).first() or inviting_organization(
        forum, with_signatory=False
    )
    for index in range(count):
        visa_services.add_signatory(
            organization=organization, name=f"Signer {index}", title_az="Üzv", title_en="Member",
            signature=ContentFile(demo_images.signature_png(), name="s.png"),
            stamp=ContentFile(demo_images.stamp_png(), name="t.png"),
        )  # fmt: skip
    visa_services.save_arrival_info(forum=forum, venue_address={"az": f"Bakı {count}"})
    # Some messages in other states, so every state filter has rows.
    queued = list(OutboxMessage.objects.filter(state="queued").values_list("pk", flat=True)[:2])
    notification_services.cancel(message_ids=queued[:1])


def measure(client, forum, superuser, expected=None, assert_num_queries=None):
    """``{operation: (queries, count of results)}``; with ``expected``, assert those query counts."""
    counts = {}
    for basename, name in list_operations():
        policy = POLICIES[basename]["list"]
        for params in LIST_QUERIES[basename]:
            query = {key: (forum.slug if value is FORUM else value) for key, value in params.items()}
            if policy == "public":
                client.logout()
            else:
                client.force_login(superuser)
            key = f"{basename} {query}"
            with CaptureQueriesContext(connection) as captured:
                if expected is None:
                    response = client.get(reverse(name), query)
                else:
                    with assert_num_queries(expected[key][0]):
                        response = client.get(reverse(name), query)
            assert response.status_code == 200, (key, response.content[:300])
            counts[key] = (len(captured), response.json()["count"])
    return counts


@pytest.mark.django_db
def test_every_list_runs_the_same_queries_at_two_sizes(client, django_assert_num_queries):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    forum = ForumFactory(capacity=500)
    populate(forum, 1)
    small = measure(client, forum, superuser)

    populate(forum, 3)
    for _ in range(2):
        populate(ForumFactory(capacity=500), 2)
    large = measure(client, forum, superuser, expected=small, assert_num_queries=django_assert_num_queries)

    assert large.keys() == small.keys()
    # The data did grow in every list, so equal counts prove something.
    not_grown = [key for key in small if large[key][1] <= small[key][1]]
    assert not not_grown, f"These lists did not grow: {not_grown}"
