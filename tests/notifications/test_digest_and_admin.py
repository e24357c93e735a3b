"""The organizer digest, the outbox page and admin actions, the periodic jobs, Celery settings."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.permissions import organizers_to_notify
from notifications import selectors, services
from notifications.models import OutboxMessage
from organizer import selectors as overview
from organizer import services as organizer_services
from tests.factories import ForumFactory, OrganizerFactory, UserFactory

State = OutboxMessage.State


def make_message(key, *, state=State.QUEUED, kind="speaker_invitation", **fields):
    fields.setdefault("language", "en")
    return OutboxMessage.objects.create(
        kind=kind, recipient=f"{key}@example.org", dedupe_key=key, state=state, **fields
    )


@pytest.mark.django_db
def test_digest_is_queued_once_per_organizer_and_day(smtp_settings, django_capture_on_commit_callbacks):
    OrganizerFactory(email="chair@example.org")
    OrganizerFactory(email="CHAIR@example.org")  # the same mailbox once
    OrganizerFactory(email="secretariat@example.org")
    UserFactory(email="attendee@example.org")  # not an organizer
    make_message("bad-1", state=State.FAILED, kind="speaker_invitation")
    make_message("bad-2", state=State.FAILED, kind="speaker_invitation")
    now = timezone.now()
    # An hour later, but never past the forum-local midnight (the digest is one per local day).
    baku = zoneinfo.ZoneInfo("Asia/Baku")
    end_of_local_day = datetime.datetime.combine(now.astimezone(baku).date(), datetime.time(23, 59, 59), tzinfo=baku)
    later = min(now + datetime.timedelta(hours=1), end_of_local_day)
    with django_capture_on_commit_callbacks(execute=True):
        first = organizer_services.send_organizer_digest(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        again = organizer_services.send_organizer_digest(now=later)
    assert [m.pk for m in first] == [m.pk for m in again]
    digests = OutboxMessage.objects.filter(kind="organizer_digest")
    assert sorted(m.recipient.lower() for m in digests) == ["chair@example.org", "secretariat@example.org"]
    assert all(m.state == State.SENT for m in digests)
    assert len(smtp_settings.handler.messages) == 2
    digest = digests.first()
    assert digest.context["counts"]["failed_total"] == 2
    assert digest.context["failed_kinds"] == [{"kind": "speaker_invitation", "count": 2}]
    # The next forum-local day is a new digest.
    with django_capture_on_commit_callbacks(execute=True):
        organizer_services.send_organizer_digest(now=now + datetime.timedelta(days=1))
    assert OutboxMessage.objects.filter(kind="organizer_digest").count() == 4


@pytest.mark.django_db
def test_digest_goes_to_the_settings_addresses_and_the_organizers_group_alike(settings):
    settings.ORGANIZER_EMAILS = ["b@example.org", "a@example.org", "A@example.org"]
    OrganizerFactory(email="Member@example.org")
    assert organizers_to_notify() == ["a@example.org", "b@example.org", "member@example.org"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "phrase"),
    [
        ("az", "Gündəlik xülasə", "Yeni qeydiyyatlar"),
        ("en", "Daily digest", "New registrations"),
        ("ru", "Ежедневная сводка", "Новые регистрации"),
        ("tr", "Günlük özet", "Yeni kayıtlar"),
    ],
)
def test_digest_is_written_in_each_language_with_the_forum_branding(language, subject, phrase):
    forum = ForumFactory(name={"az": "Forum AZ", "en": "Forum EN", "ru": "Форум RU", "tr": "Forum TR"})
    message = make_message(
        f"digest-{language}",
        kind="organizer_digest",
        language=language,
        context={"date": "2026-05-04", "forum_id": forum.pk, "counts": {"registrations": 5, "failed_new": 0}},
    )
    message.language = language
    subject_line, text, html = services.render_message(message)
    assert subject_line.startswith(subject)
    assert phrase in text and phrase in html
    branded = {"az": "Forum AZ", "en": "Forum EN", "ru": "Форум RU", "tr": "Forum TR"}[language]
    assert branded in subject_line and branded in text and branded in html
    assert forum.get_absolute_url() in text


@pytest.mark.django_db
def test_counts_per_state_include_empty_states():
    make_message("a", state=State.SENT)
    make_message("b", state=State.SENT)
    make_message("c", state=State.FAILED)
    counts = selectors.state_counts()
    assert counts == {"queued": 0, "sending": 0, "sent": 2, "retrying": 0, "failed": 1, "cancelled": 0}


@pytest.mark.django_db
def test_resend_and_cancel_only_touch_messages_in_the_right_state(django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    failed = make_message("failed", state=State.FAILED, kind="organizer_digest", attempts=8, context={"counts": {}})
    sent = make_message("sent", state=State.SENT)
    queued = make_message("queued")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend(message_ids=[failed.pk, sent.pk, queued.pk]) == 1
    failed.refresh_from_db()
    assert failed.state == State.SENT and failed.attempts == 1  # queued again, dispatched, delivered
    assert services.cancel(message_ids=[failed.pk, sent.pk, queued.pk]) == 1
    queued.refresh_from_db(), sent.refresh_from_db()
    assert queued.state == State.CANCELLED and sent.state == State.SENT
    assert services.deliver(message_id=queued.pk) is None  # a cancelled message never leaves


@pytest.mark.django_db
def test_organizer_outbox_page_shows_counts_and_runs_actions(organizer_client):
    organizer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    failed = make_message("failed", state=State.FAILED, last_error="SMTPDataError: 550 no such user")
    sent = make_message("sent", state=State.SENT)
    page = organizer_client.get(reverse("notifications:outbox"), {"state": "failed"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-state="failed"' in body and "550 no such user" in body
    assert "sent@example.org" not in body  # filtered to failed

    response = organizer_client.post(reverse("notifications:outbox-cancel", args=[sent.pk]), follow=True)
    assert response.status_code == 200
    assert "Only queued or retrying messages can be cancelled." in response.content.decode()
    sent.refresh_from_db()
    assert sent.state == State.SENT

    organizer_client.post(reverse("notifications:outbox-cancel", args=[failed.pk]))
    response = organizer_client.post(reverse("notifications:outbox-resend", args=[failed.pk]), follow=True)
    assert "The message was queued again." in response.content.decode()


@pytest.mark.django_db
def test_outbox_page_is_for_organizers_only(client):
    assert client.get(reverse("notifications:outbox")).status_code in {302, 403}
    client.force_login(UserFactory())
    assert client.get(reverse("notifications:outbox")).status_code == 403
    assert client.post(reverse("notifications:outbox-resend", args=[1])).status_code == 403


@pytest.mark.django_db
def test_outbox_page_query_count_does_not_grow_with_messages(organizer_client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("notifications:outbox")
    for i in range(3):
        make_message(f"small-{i}", state=State.FAILED)
    organizer_client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as small:
        organizer_client.get(url)
    for i in range(30):
        make_message(f"large-{i}", state=State.FAILED, kind=f"kind_{i % 5}")
    with django_assert_num_queries(len(small.captured_queries)):
        assert organizer_client.get(url).status_code == 200


@pytest.mark.django_db
def test_admin_changelist_shows_counts_and_actions_go_through_services(admin_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queued = make_message("queued")
    failed = make_message("failed", state=State.FAILED)
    url = reverse("admin:notifications_outboxmessage_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200 and "outbox-states" in page.content.decode()
    admin_client.post(url, {"action": "cancel_messages", "_selected_action": [queued.pk, failed.pk]})
    queued.refresh_from_db(), failed.refresh_from_db()
    assert queued.state == State.CANCELLED and failed.state == State.FAILED


PERIODIC = {
    "core.tasks.sweep_jobs": ("interval", 1, "minutes"),
    "notifications.tasks.sweep_outbox": ("interval", 1, "minutes"),
    "organizer.tasks.send_organizer_digest": ("crontab", "0 8", "Asia/Baku"),
    "speakers.tasks.send_invitation_reminders": ("interval", 1, "hours"),
    "speakers.tasks.send_day_before_reminders": ("interval", 1, "hours"),
    "registration.tasks.expire_holds": ("interval", 1, "minutes"),
    "registration.tasks.promote_waitlist": ("interval", 5, "minutes"),
    "registration.tasks.send_day_before_reminders": ("interval", 1, "hours"),
}


def _periodic_state():
    from django_celery_beat.models import PeriodicTask

    state = {}
    for task in PeriodicTask.objects.select_related("interval", "crontab").filter(task__in=PERIODIC):
        if task.interval:
            state[task.task] = ("interval", task.interval.every, task.interval.period)
        else:
            state[task.task] = ("crontab", f"{task.crontab.minute} {task.crontab.hour}", str(task.crontab.timezone))
    return state


@pytest.mark.django_db
def test_each_apps_periodic_jobs_are_registered_by_migrate_and_registering_again_changes_nothing():
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    from core import beat

    assert _periodic_state() == PERIODIC
    assert {task for _name, task, *_rest in beat.declared_tasks()} == set(PERIODIC)
    counts = (PeriodicTask.objects.count(), IntervalSchedule.objects.count(), CrontabSchedule.objects.count())
    beat.register()
    assert _periodic_state() == PERIODIC
    assert (PeriodicTask.objects.count(), IntervalSchedule.objects.count(), CrontabSchedule.objects.count()) == counts


def test_celery_is_configured_for_safe_delivery():
    from config.celery import app

    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_publish_retry is False
    assert conf.broker_connection_timeout <= 1
    route = app.amqp.router.route({}, "notifications.tasks.deliver_message")
    assert route["queue"].name == "mail"
    assert app.amqp.router.route({}, "notifications.tasks.sweep_outbox")["queue"].name == "celery"


def test_ui_strings_are_translated():
    for language, expected in [("az", "Poçt qutusu"), ("ru", "Исходящие"), ("tr", "Giden kutusu")]:
        with translation.override(language):
            assert translation.gettext("Outbox") == expected


@pytest.mark.django_db
def test_digest_counts_the_last_day_registrations_and_invitation_answers_per_edition():
    from speakers.models import Invitation
    from tests.factories import register_attendee
    from tests.speakers.conftest import invitation_in_state

    forum, other = ForumFactory(), ForumFactory()
    for number in range(3):
        register_attendee(forum, email=f"digest{number}@example.org")
    register_attendee(other, email="elsewhere@example.org")
    invitation_in_state(Invitation.State.ACCEPTED, forum)
    invitation_in_state(Invitation.State.DECLINED, forum)
    invitation_in_state(Invitation.State.VIEWED, forum)  # no answer yet
    invitation_in_state(Invitation.State.ACCEPTED, other)
    now = timezone.now()
    window = {"since": now - datetime.timedelta(days=1), "until": now + datetime.timedelta(seconds=1)}
    counts = overview.digest_counts(**window, forum=forum)
    assert counts["registrations"] == 3 and counts["invitation_answers"] == 2
    everywhere = overview.digest_counts(**window)
    assert everywhere["registrations"] == 4 and everywhere["invitation_answers"] == 3
    earlier = overview.digest_counts(since=now - datetime.timedelta(days=3), until=now - datetime.timedelta(days=2))
    assert earlier["registrations"] == 0 and earlier["invitation_answers"] == 0
