"""Invitation, reminder, acceptance and decline messages through the outbox, delivered for real
by the notifications service (to Django's test mailbox)."""

import datetime

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from core.permissions import ORGANIZERS_GROUP
from notifications.models import OutboxMessage
from notifications.services import deliver
from panels.models import Participation
from speakers import services, tasks
from speakers.models import Invitation
from tests.factories import InvitationFactory, SpeakerFactory, UserFactory
from tests.speakers.conftest import make_panel, sent_invitation

pytestmark = pytest.mark.django_db
S = Invitation.State


def _deliver(kind):
    for message in OutboxMessage.objects.filter(kind=kind, state=OutboxMessage.State.QUEUED):
        deliver(message_id=message.pk)
    return [m for m in mail.outbox if m.extra_headers is not None]


@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "Invitation to speak"), ("ru", "Приглашение выступить"), ("tr", "konuşmacı"), ("az", "Dəvət")],
)
def test_invitation_email_in_the_expert_language_with_a_working_absolute_link(forum, settings, language, subject):
    settings.SITE_URL = "https://forum.example.az"
    speaker = SpeakerFactory(preferred_language=language)
    invitation = InvitationFactory(forum=forum, speaker=speaker)
    services.send_invitation(invitation=invitation)
    message = OutboxMessage.objects.get(kind="speaker_invitation")
    assert message.language == language and message.recipient == speaker.email
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT, message.last_error
    email = mail.outbox[-1]
    assert subject.lower() in email.subject.lower()
    assert "https://forum.example.az/rsvp/" in email.body
    html = email.alternatives[0][0]
    assert "https://forum.example.az/rsvp/" in html
    token = email.body.split("https://forum.example.az/rsvp/")[1].split("/")[0]
    assert Client().get(f"/rsvp/{token}/").status_code == 200


def test_reminders_go_7_3_and_1_days_before_the_deadline_once_each(forum):
    now = timezone.now()
    invitation = InvitationFactory(forum=forum, response_deadline=now + datetime.timedelta(days=10))
    services.send_invitation(invitation=invitation, now=now)

    def sweep(days_before):
        moment = invitation.response_deadline - datetime.timedelta(days=days_before)
        return services.send_due_invitation_reminders(now=moment)

    assert sweep(8)["reminded"] == 0
    assert sweep(6.9)["reminded"] == 1
    assert sweep(6.5)["reminded"] == 0  # the 7-day reminder went already
    assert sweep(2.5)["reminded"] == 1
    assert sweep(0.5)["reminded"] == 1
    assert sweep(0.2)["reminded"] == 0
    keys = sorted(OutboxMessage.objects.filter(kind="speaker_invitation_reminder").values_list("dedupe_key", flat=True))
    assert keys == [f"invitation_reminder:{invitation.pk}:{d}" for d in (1, 3, 7)]
    result = services.send_due_invitation_reminders(now=invitation.response_deadline + datetime.timedelta(minutes=1))
    assert result["expired"] == 1
    invitation.refresh_from_db()
    assert invitation.state == S.EXPIRED


def test_answered_invitations_are_not_reminded(forum):
    invitation = InvitationFactory(forum=forum)
    services.send_invitation(invitation=invitation)
    services.accept_invitation(invitation=invitation)
    services.send_due_invitation_reminders(now=invitation.response_deadline - datetime.timedelta(hours=12))
    assert not OutboxMessage.objects.filter(kind="speaker_invitation_reminder").exists()


def test_late_sent_invitation_gets_only_the_reminders_still_ahead(forum):
    now = timezone.now()
    invitation = InvitationFactory(forum=forum, response_deadline=now + datetime.timedelta(days=2))
    services.send_invitation(invitation=invitation, now=now)
    services.send_due_invitation_reminders(now=now + datetime.timedelta(hours=1))
    assert not OutboxMessage.objects.filter(kind="speaker_invitation_reminder").exists()
    services.send_due_invitation_reminders(now=invitation.response_deadline - datetime.timedelta(hours=20))
    assert list(
        OutboxMessage.objects.filter(kind="speaker_invitation_reminder").values_list("dedupe_key", flat=True)
    ) == [f"invitation_reminder:{invitation.pk}:1"]


def test_the_beat_task_runs_the_sweep(forum):
    invitation = InvitationFactory(forum=forum)
    services.send_invitation(invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk).update(response_deadline=timezone.now() - datetime.timedelta(seconds=1))
    assert tasks.send_invitation_reminders.name == "speakers.tasks.send_invitation_reminders"
    tasks.send_invitation_reminders.apply().get()
    invitation.refresh_from_db()
    assert invitation.state == S.EXPIRED


def test_acceptance_thanks_the_expert_with_an_ics_and_tells_the_organizers(forum, settings):
    settings.ORGANIZER_EMAILS = ["desk@forum.example"]
    staff = UserFactory(email="Aysel@Forum.example")
    staff.save()
    staff.groups.add(Group.objects.get(name=ORGANIZERS_GROUP))
    panel = make_panel(forum, title="Cyber diplomacy", hour=15)
    invitation, _t = sent_invitation(forum, preferred_language="en", last_name="Okafor")
    services.offer_panel(invitation=invitation, panel=panel, role=Participation.Role.MODERATOR)
    services.accept_invitation(invitation=invitation, panel_answers={panel.pk: True})
    notices = OutboxMessage.objects.filter(kind="speaker_accepted")
    assert sorted(notices.values_list("recipient", flat=True)) == ["aysel@forum.example", "desk@forum.example"]
    schedule = OutboxMessage.objects.get(kind="speaker_schedule")
    deliver(message_id=schedule.pk)
    schedule.refresh_from_db()
    assert schedule.state == OutboxMessage.State.SENT, schedule.last_error
    email = mail.outbox[-1]
    assert "Cyber diplomacy" in email.body
    filename, content, mimetype = email.attachments[0]
    assert mimetype == "text/calendar" and filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert "Cyber diplomacy" in str(events[0]["SUMMARY"])
    start = events[0].decoded("DTSTART")
    assert start == panel.start and str(start.tzinfo) == forum.timezone
    assert calendar.walk("VTIMEZONE")
    for notice in notices:
        deliver(message_id=notice.pk)
    assert "Okafor" in mail.outbox[-1].subject


def test_decline_tells_the_organizers_with_the_reason(forum, settings):
    settings.ORGANIZER_EMAILS = ["desk@forum.example"]
    invitation, _t = sent_invitation(forum, last_name="Novak")
    services.decline_invitation(invitation=invitation, reason="Teaching that week")
    notice = OutboxMessage.objects.get(kind="speaker_declined")
    deliver(message_id=notice.pk)
    email = mail.outbox[-1]
    assert "Novak" in email.subject and "Teaching that week" in email.body
    assert f"/organizer/forums/{forum.slug}/speakers/{invitation.pk}/" in email.body


def test_apps_above_add_their_attachments_to_the_schedule_message(forum):
    """speakers sends schedule_attachments and never imports the apps that answer it (the visa
    letter's own tests: tests/visas/test_letter_everywhere.py)."""
    from speakers.signals import schedule_attachments

    extra = {"builder": "speakers.attachments.speaker_schedule_ics", "kwargs": {"invitation_id": 0}}

    def receiver(sender, *, invitation, **kwargs):
        return [{**extra, "kwargs": {"invitation_id": invitation.pk}}]

    schedule_attachments.connect(receiver, dispatch_uid="test.extra")
    try:
        invitation, _t = sent_invitation(forum)
        services.accept_invitation(invitation=invitation)
    finally:
        schedule_attachments.disconnect(dispatch_uid="test.extra")
    message = OutboxMessage.objects.get(kind="speaker_schedule")
    assert len(message.attachments) == 2 and message.attachments[-1]["kwargs"] == {"invitation_id": invitation.pk}


def test_day_before_reminder_goes_once_to_confirmed_speakers(forum):
    accepted, _t = sent_invitation(forum)
    services.accept_invitation(invitation=accepted)
    sent_invitation(forum)  # unanswered: no reminder
    eve = forum.local_datetime(forum.start_date - datetime.timedelta(days=1), datetime.time(10, 0))
    assert services.send_day_before_reminders(now=eve - datetime.timedelta(days=1))["sent"] == 0
    assert services.send_day_before_reminders(now=eve)["sent"] == 1
    assert services.send_day_before_reminders(now=eve + datetime.timedelta(hours=3))["sent"] == 0
    message = OutboxMessage.objects.get(kind="speaker_day_before")
    assert message.recipient == accepted.speaker.email
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT, message.last_error
    assert tasks.send_day_before_reminders.name == "speakers.tasks.send_day_before_reminders"
