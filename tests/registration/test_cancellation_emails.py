"""A registration that ends (cancelled by the attendee or the organizers, or a hold that expired)
tells the person once, in their language, without a personal link."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import translation

from notifications.models import OutboxMessage
from notifications.services import deliver
from registration import services
from registration.errors import RegistrationError
from registration.models import AccessToken, Registration
from tests.factories import ForumFactory, register_attendee

pytestmark = pytest.mark.django_db

Status = Registration.Status
NOTICE_KINDS = ("registration_cancelled", "registration_cancelled_by_organizer", "registration_hold_expired")
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")


def _notices(registration=None):
    queryset = OutboxMessage.objects.filter(kind__in=NOTICE_KINDS)
    if registration is not None:
        queryset = queryset.filter(related_id=str(registration.pk))
    return list(queryset.order_by("id"))


def _register_url(forum):
    return f"/forums/{forum.slug}/register/"


def _deliver(message):
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT, message.last_error
    return mail.outbox[-1]


def test_cancelling_twice_queues_one_confirmation_in_the_attendee_language():
    forum = ForumFactory()
    registration = register_attendee(forum, language="ru", first_name="Olga")
    tokens = AccessToken.objects.filter(registration=registration).count()
    services.cancel(token=registration.raw_token)
    services.cancel(token=registration.raw_token)
    [message] = _notices(registration)
    assert message.kind == "registration_cancelled"
    assert message.dedupe_key == f"registration:{registration.pk}:cancelled"
    assert (message.recipient, message.language) == (registration.email, "ru")
    assert message.context["register_url"].endswith(_register_url(forum))
    assert AccessToken.objects.filter(registration=registration).count() == tokens  # no new personal link

    email = _deliver(message)
    assert email.to == [registration.email]
    assert forum.name_ru in email.subject and "отменена" in email.subject
    assert "Olga" in email.body and _register_url(forum) in email.body
    assert _register_url(forum) in email.alternatives[0][0]


def test_the_cancellation_has_no_link_to_register_again_once_registration_closed():
    forum = ForumFactory()
    registration = register_attendee(forum)
    services.cancel(token=registration.raw_token, now=forum.starts_at + datetime.timedelta(hours=1))
    [message] = _notices(registration)
    assert message.context["register_url"] == ""
    email = _deliver(message)
    assert "/register/" not in email.body
    assert "Registration for this edition is closed." in email.body


def test_an_organizer_cancellation_is_told_once_with_a_contact_line(settings):
    settings.DEFAULT_FROM_EMAIL = "Forum <team@forum.example.az>"
    forum = ForumFactory(capacity=1)
    holder = register_attendee(forum, language="tr")
    services.confirm(token=holder.raw_token)
    waiting = register_attendee(forum)
    services.cancel_by_organizer(registration_id=holder.pk, forum=forum)
    services.cancel_by_organizer(registration_id=holder.pk, forum=forum)
    [message] = _notices(holder)
    assert message.kind == "registration_cancelled_by_organizer"
    assert message.dedupe_key == f"registration:{holder.pk}:cancelled_by_organizer"
    assert message.language == "tr"
    assert _notices(waiting) == []  # the promoted person gets "registration_promoted", not this
    email = _deliver(message)
    assert "team@forum.example.az" in email.body and "team@forum.example.az" in email.alternatives[0][0]
    assert "iptal" in email.subject


def test_an_expired_hold_is_told_once_however_often_the_sweep_runs():
    forum = ForumFactory(capacity=5)
    registration = register_attendee(forum, language="az")
    later = registration.hold_expires_at + datetime.timedelta(seconds=1)
    assert services.expire_holds(now=later) == 1
    assert services.expire_holds(now=later + datetime.timedelta(minutes=5)) == 0
    [message] = _notices(registration)
    assert message.kind == "registration_hold_expired"
    assert message.dedupe_key == f"registration:{registration.pk}:hold_expired"
    with translation.override("az"):  # written in the attendee's language
        assert message.context["hold_expires_at"] == services.local_time(forum, registration.hold_expires_at)
    email = _deliver(message)
    assert message.context["hold_expires_at"] in email.body
    assert _register_url(forum) in email.body


def test_confirming_too_late_releases_the_hold_and_tells_the_person_once():
    forum = ForumFactory(capacity=1)
    registration = register_attendee(forum)
    later = registration.hold_expires_at + datetime.timedelta(seconds=1)
    for _attempt in range(2):
        with pytest.raises(RegistrationError):
            services.confirm(token=registration.raw_token, now=later)
    assert [message.kind for message in _notices(registration)] == ["registration_hold_expired"]


def test_a_refused_cancellation_queues_nothing():
    forum = ForumFactory()
    registration = register_attendee(forum)
    services.confirm(token=registration.raw_token)
    services.check_in(forum=forum, code=registration.badge_code, now=forum.starts_at)
    with pytest.raises(RegistrationError):
        services.cancel(token=registration.raw_token)
    with pytest.raises(RegistrationError):
        services.cancel_by_organizer(registration_id=registration.pk)
    assert _notices() == []


def test_anonymized_registrations_get_no_mail():
    forum = ForumFactory()
    registration = register_attendee(forum)
    after_end = forum.ends_at + datetime.timedelta(days=1)
    services.anonymize_registrations(forum=forum, now=after_end)
    services.cancel_by_organizer(registration_id=registration.pk, now=after_end)
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert _notices() == []


@pytest.mark.parametrize("kind", NOTICE_KINDS)
def test_a_sent_notice_keeps_no_personal_link_in_the_outbox(kind):
    forum = ForumFactory()
    registration = register_attendee(forum)
    if kind == "registration_cancelled":
        services.cancel(token=registration.raw_token)
    elif kind == "registration_cancelled_by_organizer":
        services.cancel_by_organizer(registration_id=registration.pk)
    else:
        services.expire_holds(now=registration.hold_expires_at + datetime.timedelta(seconds=1))
    [message] = _notices(registration)
    assert message.kind == kind
    email = _deliver(message)
    stored = repr(message.context)
    assert registration.raw_token not in stored and not TOKEN_RE.search(stored)
    assert "/registration/" not in stored and "/registration/" not in email.body
    assert kind not in services.LINK_KINDS  # nothing to erase or renew on resend
