"""Delivery through a real SMTP server (aiosmtpd): claim, send, retry, fail, sweep."""

import datetime
import smtplib

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import OutboxMessage
from tests.mailserver import free_port

State = OutboxMessage.State

DIGEST_CONTEXT = {
    "date": "2026-05-04",
    "counts": {"registrations": 7, "invitation_answers": 2, "failed_new": 1, "failed_total": 3, "retrying": 0},
    "failed_kinds": [{"kind": "speaker_invitation", "count": 1}],
    "outbox_url": "http://testserver/organizer/outbox/?state=failed",
}


def queue(django_capture_on_commit_callbacks, *, key="m-1", recipient="chair@example.org", **overrides):
    """Enqueue without running the dispatch (the test delivers by hand)."""
    fields = {
        "kind": "organizer_digest",
        "recipient": recipient,
        "language": "en",
        "context": DIGEST_CONTEXT,
        "dedupe_key": key,
    }
    fields.update(overrides)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.enqueue(**fields)
    return message, callbacks


@pytest.mark.django_db
def test_enqueue_dispatches_after_commit_and_the_mail_arrives_once(smtp_settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = services.enqueue(
            kind="organizer_digest",
            recipient="chair@example.org",
            language="en",
            context=DIGEST_CONTEXT,
            dedupe_key="digest:2026-05-04:chair",
        )
        assert smtp_settings.handler.count() == 0  # nothing leaves before the commit
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 1 and message.sent_at is not None
    [received] = smtp_settings.handler.messages
    assert received["X-Outbox-Id"] == str(message.pk)
    assert received["Message-ID"] == services.message_id_header(message)
    assert str(received["Subject"]).strip() == "Daily digest for 2026-05-04 · National Cybersecurity Forum"
    assert received["Auto-Submitted"] == "auto-generated"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "New registrations: 7" in text and "Invitation to speak: 1" in text
    assert "<h1" in html and "7</td>" in html


@pytest.mark.django_db
def test_same_dedupe_key_gives_one_row_and_one_dispatch(django_capture_on_commit_callbacks):
    first, callbacks_first = queue(django_capture_on_commit_callbacks, key="reminder:7d:invitation-3")
    second, callbacks_second = queue(
        django_capture_on_commit_callbacks, key="reminder:7d:invitation-3", recipient="other@example.org"
    )
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks_first) == 1 and len(callbacks_second) == 0


@pytest.mark.django_db
def test_message_of_a_rolled_back_transaction_never_exists(smtp_settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.enqueue(kind="organizer_digest", recipient="a@example.org", language="en", context={}, dedupe_key="k")
        raise RuntimeError("the registration failed")
    assert not OutboxMessage.objects.exists()
    assert smtp_settings.handler.count() == 0


@pytest.mark.django_db
def test_context_that_is_not_json_is_refused_at_enqueue():
    from notifications.errors import NotificationError

    with pytest.raises(NotificationError) as error:
        services.enqueue(
            kind="x", recipient="a@example.org", language="en", context={"when": timezone.now()}, dedupe_key="k"
        )
    assert error.value.code == "outbox_context_not_json"
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_long_dedupe_keys_stay_unique_and_fit(django_capture_on_commit_callbacks):
    a, _ = queue(django_capture_on_commit_callbacks, key="x" * 300 + "a")
    b, _ = queue(django_capture_on_commit_callbacks, key="x" * 300 + "b")
    again, _ = queue(django_capture_on_commit_callbacks, key="x" * 300 + "a")
    assert a.pk != b.pk and again.pk == a.pk
    assert len(a.dedupe_key) <= 255


@pytest.mark.django_db
def test_a_sent_message_is_never_sent_again(smtp_settings, django_capture_on_commit_callbacks):
    message, _ = queue(django_capture_on_commit_callbacks)
    assert services.deliver(message_id=message.pk).state == State.SENT
    assert services.deliver(message_id=message.pk) is None  # a redelivered task does nothing
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.sweep(now=timezone.now() + datetime.timedelta(hours=1))["dispatched"] == 0
    assert smtp_settings.handler.outbox_ids() == {str(message.pk): 1}


@pytest.mark.django_db
def test_smtp_451_is_retried_later_with_backoff_then_delivered(smtp_settings, django_capture_on_commit_callbacks):
    smtp_settings.handler.script("chair@example.org", "451 4.3.0 Mailbox busy, try later")
    message, _ = queue(django_capture_on_commit_callbacks)
    before = timezone.now()
    services.deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == State.RETRYING and message.attempts == 1
    assert "451" in message.last_error
    base = 60  # NOTIFICATIONS_RETRY_BASE_SECONDS: the first wait is between half and all of it
    assert before + datetime.timedelta(seconds=base / 2 - 1) <= message.next_attempt_at
    assert message.next_attempt_at <= timezone.now() + datetime.timedelta(seconds=base)
    # Not due yet: the sweeper leaves it alone; once due it is dispatched and delivered.
    assert services.sweep()["dispatched"] == 0
    assert services.sweep(now=message.next_attempt_at)["dispatched"] == 1
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 2 and message.last_error == ""
    assert smtp_settings.handler.attempts["chair@example.org"] == 2
    assert smtp_settings.handler.outbox_ids() == {str(message.pk): 1}


@pytest.mark.django_db
def test_smtp_550_fails_the_message_and_it_is_not_retried(smtp_settings, django_capture_on_commit_callbacks):
    smtp_settings.handler.script("gone@example.org", "550 5.1.1 No such user here")
    message, _ = queue(django_capture_on_commit_callbacks, recipient="gone@example.org")
    services.deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == State.FAILED and message.attempts == 1
    assert "550" in message.last_error and "No such user" in message.last_error
    assert services.sweep(now=timezone.now() + datetime.timedelta(days=1))["dispatched"] == 0
    assert services.deliver(message_id=message.pk) is None
    assert smtp_settings.handler.attempts["gone@example.org"] == 1


@pytest.mark.django_db
def test_refused_connection_is_transient(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    message, _ = queue(django_capture_on_commit_callbacks)
    services.deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == State.RETRYING
    assert "ConnectionRefusedError" in message.last_error


@pytest.mark.django_db
def test_attempts_are_bounded_and_the_last_error_is_kept(settings, smtp_settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    smtp_settings.handler.script("chair@example.org", *["421 4.7.0 Try again"] * 5)
    message, _ = queue(django_capture_on_commit_callbacks)
    for _attempt in range(3):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        services.deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == State.FAILED and message.attempts == 3
    assert message.last_error.startswith("Gave up after 3 attempts") and "421" in message.last_error
    assert services.deliver(message_id=message.pk) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"recipient": "not-an-address"}, "Invalid recipient address"),
        ({"recipient": "a@example.org\nBcc: x@evil.example"}, "Invalid recipient address"),
        ({"kind": "no_such_kind"}, "Template error: TemplateDoesNotExist"),
        ({"language": "de"}, "No translation for language 'de'"),
        (
            {"attachments": [{"builder": "tests.notifications.builders.broken", "kwargs": {}}]},
            "Attachment tests.notifications.builders.broken failed: RuntimeError",
        ),
        ({"attachments": [{"builder": "tests.notifications.builders.missing"}]}, "Attachment"),
    ],
)
def test_bad_message_fails_visibly_and_the_others_still_go(
    smtp_settings, django_capture_on_commit_callbacks, overrides, error
):
    bad, _ = queue(django_capture_on_commit_callbacks, key="bad", **overrides)
    good, _ = queue(django_capture_on_commit_callbacks, key="good", recipient="ok@example.org")
    OutboxMessage.objects.update(dispatched_at=None)  # as if the broker had been down
    result = services.sweep()
    assert result["dispatched"] == 2
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.state == State.FAILED and bad.attempts == 1
    assert error in bad.last_error
    assert good.state == State.SENT
    assert smtp_settings.handler.outbox_ids() == {str(good.pk): 1}


@pytest.mark.django_db
def test_attachments_are_built_when_the_mail_leaves(smtp_settings, django_capture_on_commit_callbacks):
    message, _ = queue(
        django_capture_on_commit_callbacks,
        attachments=[{"builder": "tests.notifications.builders.agenda", "kwargs": {"title": "Day 1"}}],
    )
    services.deliver(message_id=message.pk)
    [received] = smtp_settings.handler.messages
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "agenda.txt"
    assert attachment.get_content().replace("\r\n", "\n") == "Agenda: Day 1\n"


@pytest.mark.django_db
def test_sweeper_reclaims_stuck_claims_and_fails_spent_ones(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 600
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    now = timezone.now()
    stuck, _ = queue(django_capture_on_commit_callbacks, key="stuck")
    fresh, _ = queue(django_capture_on_commit_callbacks, key="fresh")
    spent, _ = queue(django_capture_on_commit_callbacks, key="spent")
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        state=State.SENDING, attempts=1, claimed_at=now - datetime.timedelta(minutes=11)
    )
    OutboxMessage.objects.filter(pk=fresh.pk).update(
        state=State.SENDING, attempts=1, claimed_at=now - datetime.timedelta(minutes=2)
    )
    OutboxMessage.objects.filter(pk=spent.pk).update(
        state=State.SENDING, attempts=4, claimed_at=now - datetime.timedelta(minutes=30)
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = services.sweep(now=now)
    assert result["reclaimed"] == 1 and result["expired"] == 1
    stuck.refresh_from_db(), fresh.refresh_from_db(), spent.refresh_from_db()
    assert stuck.state == State.SENT and stuck.attempts == 2  # reclaimed, re-dispatched (eager), sent
    assert fresh.state == State.SENDING  # a worker may still be on it
    assert spent.state == State.FAILED and "Worker lost while sending" in spent.last_error


@pytest.mark.django_db
def test_sweeper_does_not_redispatch_a_task_that_is_still_in_flight(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_REDISPATCH_AFTER = 300
    message, _ = queue(django_capture_on_commit_callbacks)  # dispatched on commit: dispatched_at is set
    now = timezone.now()
    assert services.sweep(now=now + datetime.timedelta(seconds=60))["dispatched"] == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.sweep(now=now + datetime.timedelta(seconds=301))["dispatched"] == 1  # the task was lost
    message.refresh_from_db()
    assert message.state == State.SENT


def test_retry_delay_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 3600
    for attempts, step in [(1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (12, 3600)]:
        delays = {services.retry_delay(attempts=attempts) for _ in range(50)}
        assert all(step / 2 <= d <= step for d in delays)
        assert len(delays) > 1  # jittered


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (smtplib.SMTPResponseException(451, b"try later"), True),
        (smtplib.SMTPDataError(452, b"insufficient storage"), True),
        (smtplib.SMTPSenderRefused(421, b"closing", "forum@localhost"), True),
        (smtplib.SMTPDataError(550, b"rejected"), False),
        (smtplib.SMTPResponseException(554, b"transaction failed"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"greylisted")}), True),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), True),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (OSError(101, "Network is unreachable"), True),
        (ValueError("Invalid address"), False),
    ],
)
def test_failures_are_classified_transient_or_permanent(exc, transient):
    assert services.is_transient(exc) is transient
