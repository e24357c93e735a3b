"""A worker keeps its SMTP connection between messages, through a real SMTP server (aiosmtpd):
one session for a run of messages, a fresh one after the server hung up, after any error, after a
settings change, and when the connection has done its share."""

import os
import threading

import pytest
from django.core import mail

from notifications import mailconnection, services
from notifications.models import OutboxMessage
from tests.mailserver import SMTPServer

State = OutboxMessage.State

CONTEXT = {"date": "2026-05-04", "counts": {"registrations": 1, "failed_new": 0, "failed_total": 0, "retrying": 0}}


def queue_many(django_capture_on_commit_callbacks, count, *, prefix="m", recipients=None):
    """Enqueue ``count`` messages without dispatching them (the test delivers by hand)."""
    with django_capture_on_commit_callbacks(execute=False):
        return [
            services.enqueue(
                kind="organizer_digest",
                recipient=recipients[i] if recipients else f"person{i}@example.org",
                language="en",
                context=CONTEXT,
                dedupe_key=f"{prefix}:{i}",
            ).pk
            for i in range(count)
        ]


def deliver_all(ids):
    return [services.deliver(message_id=pk) for pk in ids]


def assert_sent_once(server, ids):
    assert server.handler.outbox_ids() == {str(pk): 1 for pk in ids}
    rows = OutboxMessage.objects.filter(pk__in=ids)
    assert {(row.state, row.attempts, row.last_error) for row in rows} == {(State.SENT, 1, "")}


@pytest.mark.django_db
def test_five_messages_in_a_row_share_one_smtp_session(smtp_settings, django_capture_on_commit_callbacks):
    ids = queue_many(django_capture_on_commit_callbacks, 5)
    deliver_all(ids)
    assert smtp_settings.handler.sessions == 1
    assert smtp_settings.handler.quits == 0  # still open for the next message
    assert_sent_once(smtp_settings, ids)
    mailconnection.close_all()
    assert smtp_settings.handler.quits == 1  # and closed politely when the worker stops


@pytest.mark.django_db
def test_with_reuse_turned_off_every_message_opens_and_quits_its_own_session(
    settings, smtp_settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_REUSE_SMTP_CONNECTION = False
    ids = queue_many(django_capture_on_commit_callbacks, 5)
    deliver_all(ids)
    assert smtp_settings.handler.sessions == 5
    assert smtp_settings.handler.quits == 5
    assert_sent_once(smtp_settings, ids)


@pytest.mark.django_db
def test_turning_reuse_off_closes_the_cached_session(settings, smtp_settings, django_capture_on_commit_callbacks):
    first, second = queue_many(django_capture_on_commit_callbacks, 2)
    services.deliver(message_id=first)
    settings.NOTIFICATIONS_REUSE_SMTP_CONNECTION = False
    services.deliver(message_id=second)
    assert (smtp_settings.handler.sessions, smtp_settings.handler.quits) == (2, 2)
    assert_sent_once(smtp_settings, [first, second])


@pytest.mark.django_db
@pytest.mark.parametrize("seen_by", ["socket check", "noop"])
def test_a_connection_the_server_closed_between_messages_is_replaced_and_nothing_fails(
    settings, monkeypatch, smtp_settings, django_capture_on_commit_callbacks, seen_by
):
    if seen_by == "noop":  # the hang-up is not visible on the socket yet: only NOOP can tell
        monkeypatch.setattr(mailconnection, "_readable", lambda sock: False)
        settings.NOTIFICATIONS_SMTP_IDLE_CHECK_SECONDS = 0
    ids = queue_many(django_capture_on_commit_callbacks, 4)
    deliver_all(ids[:2])
    smtp_settings.disconnect()  # the server hangs up on its idle client
    deliver_all(ids[2:])
    assert smtp_settings.handler.sessions == 2
    assert_sent_once(smtp_settings, ids)


@pytest.mark.django_db
def test_a_restarted_server_on_the_same_port_gets_the_next_message_once(
    smtp_settings, django_capture_on_commit_callbacks
):
    ids = queue_many(django_capture_on_commit_callbacks, 3)
    services.deliver(message_id=ids[0])
    smtp_settings.restart()
    deliver_all(ids[1:])
    assert smtp_settings.handler.sessions == 2
    assert_sent_once(smtp_settings, ids)


@pytest.mark.django_db
def test_a_connection_idle_past_the_check_must_answer_noop(settings, smtp_settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_SMTP_IDLE_CHECK_SECONDS = 0  # every reuse counts as idle
    ids = queue_many(django_capture_on_commit_callbacks, 5)
    deliver_all(ids[:3])
    assert (smtp_settings.handler.sessions, smtp_settings.handler.noops) == (1, 2)
    # The server still holds the session but refuses to go on with it: NOOP fails, a new one opens.
    smtp_settings.handler.noop_reply = "421 4.4.2 Closing idle connection"
    services.deliver(message_id=ids[3])
    smtp_settings.handler.noop_reply = None
    services.deliver(message_id=ids[4])
    assert smtp_settings.handler.sessions == 2
    assert smtp_settings.handler.noops == 4
    assert_sent_once(smtp_settings, ids)


@pytest.mark.django_db
def test_a_connection_used_moments_ago_is_reused_without_noop(smtp_settings, django_capture_on_commit_callbacks):
    ids = queue_many(django_capture_on_commit_callbacks, 3)  # default check: idle 5 s or more
    deliver_all(ids)
    assert (smtp_settings.handler.sessions, smtp_settings.handler.noops) == (1, 0)


@pytest.mark.django_db
def test_a_451_drops_the_connection_and_the_message_is_retried_later_and_delivered_once(
    smtp_settings, django_capture_on_commit_callbacks
):
    recipients = ["one@example.org", "busy@example.org", "three@example.org", "four@example.org"]
    smtp_settings.handler.script("busy@example.org", "451 4.3.0 Mailbox busy, try later")
    one, busy, three, four = queue_many(django_capture_on_commit_callbacks, 4, recipients=recipients)
    deliver_all([one, busy])
    row = OutboxMessage.objects.get(pk=busy)
    assert row.state == State.RETRYING and "451" in row.last_error
    assert smtp_settings.handler.attempts["busy@example.org"] == 1  # not resent on the spot
    assert smtp_settings.handler.quits == 1  # the connection that saw the error was closed
    deliver_all([three, four])
    assert smtp_settings.handler.sessions == 2  # the next message opened a new session

    assert services.sweep(now=row.next_attempt_at)["dispatched"] == 1  # the retry, when due
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 2, "")
    assert smtp_settings.handler.attempts["busy@example.org"] == 2
    assert smtp_settings.handler.outbox_ids() == {str(pk): 1 for pk in (one, busy, three, four)}


@pytest.mark.django_db
def test_a_550_also_drops_the_connection(smtp_settings, django_capture_on_commit_callbacks):
    smtp_settings.handler.script("gone@example.org", "550 5.1.1 No such user here")
    gone, fine = queue_many(django_capture_on_commit_callbacks, 2, recipients=["gone@example.org", "ok@example.org"])
    deliver_all([gone, fine])
    assert OutboxMessage.objects.get(pk=gone).state == State.FAILED
    assert smtp_settings.handler.sessions == 2
    assert_sent_once(smtp_settings, [fine])


@pytest.mark.django_db
def test_changing_the_email_port_sends_through_the_new_server(
    settings, smtp_settings, django_capture_on_commit_callbacks
):
    other = SMTPServer().start()
    try:
        first, second, third = queue_many(django_capture_on_commit_callbacks, 3)
        services.deliver(message_id=first)
        settings.EMAIL_PORT = other.port
        services.deliver(message_id=second)
        services.deliver(message_id=third)
        assert smtp_settings.handler.outbox_ids() == {str(first): 1}
        assert other.handler.outbox_ids() == {str(second): 1, str(third): 1}
        assert smtp_settings.handler.quits == 1  # the old session was ended politely
        assert other.handler.sessions == 1
    finally:
        mailconnection.close_all()
        other.stop()


@pytest.mark.django_db
def test_a_connection_is_recycled_after_its_share_of_messages(
    settings, smtp_settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SMTP_MAX_MESSAGES_PER_CONNECTION = 2
    ids = queue_many(django_capture_on_commit_callbacks, 5)
    deliver_all(ids)
    assert (smtp_settings.handler.sessions, smtp_settings.handler.quits) == (3, 2)
    assert_sent_once(smtp_settings, ids)


@pytest.mark.django_db
def test_a_connection_older_than_the_limit_is_not_reused(settings, smtp_settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_SMTP_MAX_CONNECTION_AGE_SECONDS = 0
    ids = queue_many(django_capture_on_commit_callbacks, 3)
    deliver_all(ids)
    assert (smtp_settings.handler.sessions, smtp_settings.handler.quits) == (3, 2)
    assert_sent_once(smtp_settings, ids)


@pytest.mark.django_db
def test_each_thread_has_its_own_connection(smtp_settings):
    backends, errors = {}, []
    acquired = threading.Barrier(2)

    def send(name, number):
        backend = mailconnection.acquire()
        message = mail.EmailMessage(f"{name}{number}", "text", "forum@localhost", [f"{name}@example.org"])
        assert backend.send_messages([message]) == 1
        mailconnection.release(backend)
        return backend

    def work(name):
        try:
            first = send(name, 1)
            acquired.wait(5)  # both threads hold a session now
            backends[name] = (first, send(name, 2))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert backends["a"][0] is backends["a"][1] and backends["b"][0] is backends["b"][1]
    assert backends["a"][0] is not backends["b"][0]
    assert smtp_settings.handler.sessions == 2 and smtp_settings.handler.count() == 4
    mailconnection.close_all()  # closes the other threads' sessions too
    assert smtp_settings.handler.quits == 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_never_uses_its_parents_session(smtp_settings):
    parent = mailconnection.acquire()
    mailconnection.release(parent)
    pid = os.fork()
    if pid == 0:  # the child: it must neither reuse nor QUIT the parent's session
        try:
            ok = mailconnection._current() is None
            mailconnection.close_all()
        finally:
            os._exit(0 if ok else 1)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert smtp_settings.handler.quits == 0
    assert mailconnection.acquire() is parent  # and the parent's session still works
    assert parent.connection.noop()[0] == 250
    mailconnection.release(parent)


@pytest.mark.django_db
def test_local_memory_backend_still_gets_every_message(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids = queue_many(django_capture_on_commit_callbacks, 3)
    deliver_all(ids)
    assert sorted(m.extra_headers["X-Outbox-Id"] for m in mail.outbox) == sorted(str(pk) for pk in ids)


@pytest.mark.django_db
def test_file_backend_still_writes_a_file_per_message(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    ids = queue_many(django_capture_on_commit_callbacks, 3)
    deliver_all(ids)
    files = list((tmp_path / "mail").iterdir())
    assert len(files) == 3
    assert all(OutboxMessage.objects.get(pk=pk).state == State.SENT for pk in ids)
