"""Personal links (RSVP, registration) leave the outbox with the mail; a resend mints fresh ones."""

import re

import pytest
from django.db import connection

from notifications import services
from notifications.errors import NotificationError
from notifications.models import OutboxMessage
from speakers import services as speaker_services
from tests.factories import InvitationFactory, SpeakerFactory, register_attendee

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
RSVP_RE = re.compile(r"/rsvp/([A-Za-z0-9_-]{43})/")
MANAGE_RE = re.compile(r"/registration/([A-Za-z0-9_-]{43})/")
CONFIRM_RE = re.compile(r"/registration/confirm/([A-Za-z0-9_-]{43})/")


def _body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def _raw_outbox_text():
    """Every stored context, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT context::text FROM notifications_outboxmessage")
        return " ".join(row[0] for row in cursor.fetchall())


def _invite(forum, capture, email="ines.secret@example.org"):
    invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory(email=email))
    with capture(execute=True):
        speaker_services.send_invitation(invitation=invitation)
    return invitation, OutboxMessage.objects.get(kind="speaker_invitation", recipient=email)


def test_a_sent_invitation_keeps_no_raw_link_but_the_email_carries_a_working_one(
    client, forum, smtp_settings, django_capture_on_commit_callbacks
):
    _invitation, message = _invite(forum, django_capture_on_commit_callbacks)
    assert message.state == State.SENT
    assert message.context["rsvp_url"] == services.REDACTED_LINK
    assert message.context["invitation_id"] == _invitation.pk  # the rest of the context stays
    [email] = smtp_settings.handler.messages
    token = RSVP_RE.search(_body(email)).group(1)
    assert token not in _raw_outbox_text()
    assert client.get(f"/rsvp/{token}/").status_code == 200


def test_a_failed_invitation_is_scrubbed_and_resent_with_a_fresh_link(
    client, forum, smtp_settings, django_capture_on_commit_callbacks
):
    smtp_settings.handler.script("ines.secret@example.org", "550 5.1.1 mailbox unavailable")
    invitation, message = _invite(forum, django_capture_on_commit_callbacks)
    assert message.state == State.FAILED
    assert message.context["rsvp_url"] == services.REDACTED_LINK
    tokens_before = invitation.tokens.count()

    smtp_settings.handler.scripts.clear()  # the mailbox is fixed
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_one(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == State.SENT and message.context["rsvp_url"] == services.REDACTED_LINK
    assert invitation.tokens.count() == tokens_before + 1
    [email] = smtp_settings.handler.messages
    token = RSVP_RE.search(_body(email)).group(1)
    assert client.get(f"/rsvp/{token}/").status_code == 200
    assert token not in _raw_outbox_text()


def test_resending_for_a_withdrawn_invitation_is_refused_with_a_reason(
    forum, smtp_settings, django_capture_on_commit_callbacks
):
    smtp_settings.handler.script("ines.secret@example.org", "550 5.1.1 mailbox unavailable")
    invitation, message = _invite(forum, django_capture_on_commit_callbacks)
    speaker_services.withdraw_invitation(invitation=invitation)
    tokens = invitation.tokens.count()
    with pytest.raises(NotificationError) as refused:
        services.resend_one(message_id=message.pk)
    assert refused.value.status == 409 and "withdrawn" in refused.value.message
    message.refresh_from_db()
    assert message.state == State.FAILED and invitation.tokens.count() == tokens
    assert services.resend(message_ids=[message.pk]) == 0


def test_organizer_resends_a_failed_registration_email_from_the_outbox_page(
    client, organizer_client, forum, smtp_settings, django_capture_on_commit_callbacks
):
    smtp_settings.handler.script("attendee.secret@example.org", "550 5.1.1 mailbox unavailable")
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_attendee(forum, email="attendee.secret@example.org")
    message = OutboxMessage.objects.get(kind="registration_confirm_email")
    assert message.state == State.FAILED
    assert message.context["manage_url"] == message.context["confirm_url"] == services.REDACTED_LINK
    assert registration.raw_token not in _raw_outbox_text()

    smtp_settings.handler.scripts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(f"/organizer/outbox/{message.pk}/resend/", follow=True)
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.state == State.SENT
    [email] = smtp_settings.handler.messages
    confirm_token = CONFIRM_RE.search(_body(email)).group(1)
    assert confirm_token != registration.raw_token
    assert client.post(f"/registration/confirm/{confirm_token}/").status_code == 302
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert MANAGE_RE.search(_body(email)).group(1) == confirm_token


def test_cancelling_a_queued_message_erases_its_link(forum):
    invitation = InvitationFactory(forum=forum)
    speaker_services.send_invitation(invitation=invitation)  # queued: callbacks not run
    message = OutboxMessage.objects.get(kind="speaker_invitation")
    assert RSVP_RE.search(message.context["rsvp_url"])
    services.cancel_one(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == State.CANCELLED and message.context["rsvp_url"] == services.REDACTED_LINK


def test_kinds_without_personal_links_are_left_alone(forum, smtp_settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.enqueue(
            kind="organizer_digest",
            recipient="chair@example.org",
            language="en",
            context={"date": "2030-01-01", "counts": {}, "failed_kinds": [], "outbox_url": "https://x/organizer/"},
            dedupe_key="digest-test",
        )
    message.refresh_from_db()
    assert message.state == State.SENT and message.context["outbox_url"] == "https://x/organizer/"
