""" "Email me my link again" for experts who lost their invitation email."""

from django.db import transaction

from notifications.services import enqueue

from ..models import Invitation
from ._common import State, _now
from .invitations import _message_context, _speaker_language, issue_token, rsvp_url

# --- "email me my link again" --------------------------------------------------------------------


@transaction.atomic
def send_link_again(*, email, now=None):
    """Email a fresh RSVP link for every live invitation of the speaker with ``email``.

    Says nothing about whether the address is known (the caller answers the same either way);
    at most one such message per invitation and hour. Returns the messages queued.
    """
    from notifications.models import OutboxMessage

    now = _now(now)
    address = (email or "").strip()
    invitations = (
        Invitation.objects.select_related("forum", "speaker")
        .filter(speaker__email__iexact=address)
        .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
        .order_by("pk")
    )
    messages = []
    for invitation in invitations:
        if now >= invitation.forum.ends_at:
            continue
        key = f"speaker_link:{invitation.pk}:{now:%Y%m%d%H}"
        if OutboxMessage.objects.filter(dedupe_key=key).exists():
            continue
        language = _speaker_language(invitation.speaker)
        messages.append(
            enqueue(
                kind="speaker_link",
                recipient=invitation.speaker.email,
                language=language,
                context=_message_context(invitation, language, rsvp_url=rsvp_url(issue_token(invitation, now))),
                dedupe_key=key,
                related=invitation,
            )
        )
    return messages
