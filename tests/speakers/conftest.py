"""Helpers for the speakers tests: panels to offer, invitations in a given state, raw tokens."""

import datetime
import re

import pytest

from notifications.models import OutboxMessage
from panels.models import Panel
from speakers import services
from speakers.models import Invitation
from tests.factories import InvitationFactory, RoomFactory, SpeakerFactory

TOKEN_RE = re.compile(r"/rsvp/([A-Za-z0-9_-]{43})/")


def make_panel(forum, *, title="Threat intelligence sharing", hour=10, day=0, status=Panel.Status.PUBLISHED):
    start = forum.local_datetime(forum.days[day], datetime.time(hour, 0))
    end = start + datetime.timedelta(hours=1)
    # A room free at that hour: the database refuses two panels in one room at once.
    room = next(
        (
            room
            for room in forum.rooms.all()
            if not Panel.objects.filter(room=room, start__lt=end, end__gt=start)
            .exclude(status=Panel.Status.CANCELLED)
            .exists()
        ),
        None,
    ) or RoomFactory(forum=forum)
    return Panel.objects.create(
        forum=forum,
        theme=forum.themes.first(),
        title=title,
        title_en=title,
        room=room,
        start=start,
        end=end,
        status=status,
    )


def last_token(recipient=None):
    """The raw RSVP token of the newest queued message with a link (to ``recipient`` when given)."""
    messages = OutboxMessage.objects.order_by("-id")
    if recipient:
        messages = messages.filter(recipient=recipient)
    for message in messages:
        match = TOKEN_RE.search(message.context.get("rsvp_url", ""))
        if match:
            return match.group(1)
    raise AssertionError("no message with an RSVP link")


def sent_invitation(forum=None, **speaker_fields):
    """A sent invitation and its raw token (taken from the email that went out)."""
    speaker = SpeakerFactory(**speaker_fields)
    invitation = InvitationFactory(speaker=speaker, **({"forum": forum} if forum else {}))
    services.send_invitation(invitation=invitation)
    invitation.refresh_from_db()
    return invitation, last_token(speaker.email)


def invitation_in_state(state, forum=None):
    """Walk an invitation through services to ``state``."""
    S = Invitation.State
    if state == S.DRAFT:
        return InvitationFactory(**({"forum": forum} if forum else {}))
    invitation, _token = sent_invitation(forum)
    if state == S.VIEWED:
        services.mark_viewed(invitation=invitation)
    elif state == S.ACCEPTED:
        services.accept_invitation(invitation=invitation)
    elif state == S.DECLINED:
        services.decline_invitation(invitation=invitation)
    elif state == S.EXPIRED:
        services.expire_invitation(invitation=invitation)
    elif state == S.WITHDRAWN:
        services.withdraw_invitation(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.state == state
    return invitation


@pytest.fixture
def panel(forum):
    return make_panel(forum)
