"""Every form that takes a time reads it as forum-local (Asia/Baku, UTC+4) and shows it back
the same: the invitation deadline, the speaker's availability and a panel's slot on the grid."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from panels.models import Availability, Panel
from speakers.models import Invitation
from tests.factories import ForumFactory, PanelFactory, RoomFactory, SpeakerFactory
from tests.speakers.conftest import sent_invitation

BAKU = datetime.timezone(datetime.timedelta(hours=4))


@pytest.fixture
def forum(db):
    return ForumFactory()


def test_a_deadline_typed_into_the_invite_form_is_forum_time(organizer_client, forum):
    speaker = SpeakerFactory()
    day = forum.start_date - datetime.timedelta(days=10)
    timezone.deactivate()
    organizer_client.post(
        reverse("speakers:organizer", args=[forum.slug]),
        {"action": "invite", "speaker": speaker.pk, "response_deadline": f"{day:%Y-%m-%d}T21:30"},
    )
    invitation = Invitation.objects.get(forum=forum, speaker=speaker)
    assert invitation.response_deadline == datetime.datetime.combine(day, datetime.time(21, 30), tzinfo=BAKU)
    assert invitation.response_deadline.astimezone(datetime.UTC).hour == 17
    timezone.deactivate()
    page = organizer_client.get(reverse("speakers:organizer-invitation", args=[forum.slug, invitation.pk]))
    assert "21:30" in page.content.decode() and "17:30" not in page.content.decode()


def test_availability_typed_on_the_rsvp_page_is_forum_time(client, forum):
    invitation, token = sent_invitation(forum)
    timezone.deactivate()
    client.post(
        reverse("speakers:rsvp", args=[token]),
        {"action": "availability", "day0_0_from": "09:30", "day0_0_to": "12:15"},
    )
    window = Availability.objects.get(speaker=invitation.speaker, forum=forum)
    assert window.start == datetime.datetime.combine(forum.start_date, datetime.time(9, 30), tzinfo=BAKU)
    assert window.end == datetime.datetime.combine(forum.start_date, datetime.time(12, 15), tzinfo=BAKU)
    timezone.deactivate()
    page = client.get(reverse("speakers:rsvp", args=[token])).content.decode()
    assert 'value="09:30"' in page and 'value="12:15"' in page


def test_a_slot_placed_on_the_grid_is_forum_time(organizer_client, forum):
    room = RoomFactory(forum=forum)
    panel = PanelFactory(forum=forum)
    timezone.deactivate()
    organizer_client.post(
        reverse("panels:organizer-action", args=[forum.slug, panel.pk, "schedule"]),
        {
            f"p{panel.pk}-day": forum.start_date.isoformat(),
            f"p{panel.pk}-start": "10:00",
            f"p{panel.pk}-end": "11:30",
            f"p{panel.pk}-room": str(room.pk),
        },
    )
    panel = Panel.objects.get(pk=panel.pk)
    assert panel.start == datetime.datetime.combine(forum.start_date, datetime.time(10, 0), tzinfo=BAKU)
    timezone.deactivate()
    grid = organizer_client.get(reverse("panels:organizer-schedule", args=[forum.slug])).content.decode()
    assert "10:00–11:30" in grid and "06:00" not in grid
