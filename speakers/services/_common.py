"""Shared pieces of the speaker services: the invitation state machine and small helpers."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads

from ..errors import SpeakerError
from ..models import Invitation

logger = logging.getLogger(__name__)

State = Invitation.State

# Which state each state may move to. Everything else is refused.
TRANSITIONS = {
    State.DRAFT: {State.SENT, State.WITHDRAWN},
    State.SENT: {State.VIEWED, State.ACCEPTED, State.DECLINED, State.EXPIRED, State.WITHDRAWN},
    State.VIEWED: {State.ACCEPTED, State.DECLINED, State.EXPIRED, State.WITHDRAWN},
    # Until the forum ends the expert may change their mind.
    State.ACCEPTED: {State.DECLINED, State.WITHDRAWN},
    State.DECLINED: {State.ACCEPTED, State.WITHDRAWN},
    # Organizers may reopen an expired invitation by sending it again.
    State.EXPIRED: {State.SENT, State.WITHDRAWN},
    State.WITHDRAWN: set(),
}
_TIMESTAMP = {
    State.SENT: "sent_at",
    State.VIEWED: "viewed_at",
    State.ACCEPTED: "accepted_at",
    State.DECLINED: "declined_at",
    State.EXPIRED: "expired_at",
    State.WITHDRAWN: "withdrawn_at",
}
REMINDER_DAYS = (7, 3, 1)
# Deadlines end in the forum's evening; reminders go out in its morning.
DEADLINE_TIME = datetime.time(23, 59)
REMINDER_TIME = datetime.time(9, 0)
DEFAULT_RESPONSE_DAYS = 14
PHOTO_MAX_BYTES = uploads.PHOTO_MAX_BYTES
PHOTO_MAX_SIDE = uploads.PHOTO_MAX_SIDE
PHOTO_FORMATS = uploads.PHOTO_FORMATS


def _now(now=None):
    return now or timezone.now()


def _transition(invitation, target, *, now):
    current = State(invitation.state)
    if target not in TRANSITIONS[current]:
        raise SpeakerError(
            _("An invitation that is %(current)s cannot become %(target)s.")
            % {"current": current.label, "target": State(target).label},
            code="illegal_transition",
            status=409,
        )
    invitation.state = target
    setattr(invitation, _TIMESTAMP[target], now)
    return ["state", _TIMESTAMP[target]]


def _locked(invitation):
    """Re-read the invitation under a row lock so two answers cannot interleave."""
    return Invitation.objects.select_for_update().select_related("forum", "speaker").get(pk=invitation.pk)


def _full_clean(instance, exclude=None, validate_unique=True):
    try:
        instance.full_clean(exclude=exclude, validate_unique=validate_unique)
    except ValidationError as exc:
        fields = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
        first = next(iter(fields.values()))[0]
        raise SpeakerError(first, fields=fields) from exc
