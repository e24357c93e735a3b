import datetime
import hashlib

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import OutboxMessage
from registration import services
from registration.errors import RegistrationError
from registration.models import AccessToken, CategoryQuota, Registration, RegistrationPolicy
from tests.factories import ForumFactory, register_attendee, registration_input

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _messages(kind, registration=None):
    queryset = OutboxMessage.objects.filter(kind=kind)
    if registration is not None:
        queryset = queryset.filter(related_id=str(registration.pk))
    return list(queryset.order_by("id"))


def test_a_new_registration_holds_a_seat_for_the_configured_time(settings):
    settings.REGISTRATION_HOLD_MINUTES = 45
    forum = ForumFactory(capacity=10)
    before = timezone.now()
    registration = register_attendee(forum)
    assert registration.status == Status.PENDING
    assert before + datetime.timedelta(minutes=45) <= registration.hold_expires_at
    assert registration.hold_expires_at <= timezone.now() + datetime.timedelta(minutes=45)
    assert registration.consent and registration.consent_at is not None
    [message] = _messages("registration_confirm_email", registration)
    assert message.recipient == registration.email
    assert message.language == "en"
    assert message.context["confirm_url"].endswith(f"/registration/confirm/{registration.raw_token}/")
    assert message.context["confirm_url"].startswith(settings.SITE_URL)


def test_link_tokens_are_long_and_stored_only_as_a_hash():
    registration = register_attendee(ForumFactory())
    raw = registration.raw_token
    assert len(raw) >= 43  # 32 random bytes
    [token] = AccessToken.objects.filter(registration=registration)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not AccessToken.objects.filter(token_hash=raw).exists()
    assert raw not in repr(list(Registration.objects.values_list()))


def test_badge_codes_are_unique_and_short():
    forum = ForumFactory()
    codes = {register_attendee(forum).badge_code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) == 10 and code.isalnum() and code.isupper() for code in codes)


def test_when_the_forum_is_full_people_join_the_waitlist_in_order():
    forum = ForumFactory(capacity=2)
    first, second = register_attendee(forum), register_attendee(forum)
    third, fourth = register_attendee(forum), register_attendee(forum)
    assert {first.status, second.status} == {Status.PENDING}
    assert third.status == fourth.status == Status.WAITLISTED
    assert third.waitlisted_at <= fourth.waitlisted_at
    [message] = _messages("registration_waitlisted", fourth)
    assert message.context["waitlist_position"] == 2


def test_confirming_keeps_the_seat_and_sends_the_badge_and_calendar():
    forum = ForumFactory(capacity=1)
    registration = register_attendee(forum)
    confirmed = services.confirm(token=registration.raw_token)
    assert confirmed.status == Status.CONFIRMED
    assert confirmed.hold_expires_at is None
    [message] = _messages("registration_confirmed", registration)
    builders = [item["builder"] for item in message.attachments]
    assert builders == ["registration.badges.badge_attachment", "registration.badges.ics_attachment"]
    # Confirming twice is harmless and sends nothing more.
    assert services.confirm(token=registration.raw_token).status == Status.CONFIRMED
    assert len(_messages("registration_confirmed", registration)) == 1


def test_confirming_after_the_hold_expired_is_refused_and_the_seat_goes_to_the_waitlist():
    forum = ForumFactory(capacity=1)
    holder = register_attendee(forum)
    waiting = register_attendee(forum)
    later = holder.hold_expires_at + datetime.timedelta(seconds=1)
    with pytest.raises(RegistrationError) as caught:
        services.confirm(token=holder.raw_token, now=later)
    assert caught.value.status == 410
    assert caught.value.code == "hold_expired"
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Status.CANCELLED
    assert holder.cancel_reason == Registration.CancelReason.EXPIRED
    assert waiting.status == Status.PENDING
    assert len(_messages("registration_promoted", waiting)) == 1


def test_expire_holds_frees_seats_and_promotes_the_next_person_with_a_deadline(settings):
    settings.REGISTRATION_PROMOTION_HOLD_MINUTES = 120
    forum = ForumFactory(capacity=2)
    holders = [register_attendee(forum) for _ in range(2)]
    services.confirm(token=holders[0].raw_token)
    waiting = [register_attendee(forum) for _ in range(3)]
    later = holders[1].hold_expires_at + datetime.timedelta(minutes=1)
    assert services.expire_holds(now=later) == 1
    statuses = {r.pk: r.status for r in Registration.objects.filter(forum=forum)}
    assert statuses[holders[0].pk] == Status.CONFIRMED
    assert statuses[holders[1].pk] == Status.CANCELLED
    assert statuses[waiting[0].pk] == Status.PENDING  # first in line
    assert statuses[waiting[1].pk] == statuses[waiting[2].pk] == Status.WAITLISTED
    promoted = Registration.objects.get(pk=waiting[0].pk)
    assert promoted.hold_expires_at == later + datetime.timedelta(minutes=120)
    [message] = _messages("registration_promoted", promoted)
    assert "confirm_url" in message.context and message.context["hold_expires_at"]
    # The promotion link works.
    token = message.context["confirm_url"].rstrip("/").rsplit("/", 1)[-1]
    assert services.confirm(token=token, now=later).status == Status.CONFIRMED
    # Running again finds nothing to do.
    assert services.expire_holds(now=later) == 0


def test_cancelling_a_seat_promotes_the_first_waitlisted_person():
    forum = ForumFactory(capacity=1)
    holder = register_attendee(forum)
    services.confirm(token=holder.raw_token)
    waiting = register_attendee(forum)
    services.cancel(token=holder.raw_token)
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING
    holder.refresh_from_db()
    assert holder.status == Status.CANCELLED
    assert holder.cancel_reason == Registration.CancelReason.ATTENDEE


def test_category_quota_waitlists_a_full_category_while_others_get_seats():
    forum = ForumFactory(capacity=10)
    CategoryQuota.objects.create(forum=forum, category="media", seats=1)
    journalist = register_attendee(forum, category="media")
    second_journalist = register_attendee(forum, category="media")
    professor = register_attendee(forum, category="academia")
    assert journalist.status == Status.PENDING
    assert second_journalist.status == Status.WAITLISTED
    assert professor.status == Status.PENDING
    # A freed academia seat does not go to the journalist (media is still at its quota)...
    services.cancel(token=professor.raw_token)
    second_journalist.refresh_from_db()
    assert second_journalist.status == Status.WAITLISTED
    # ...but a freed media seat does.
    services.cancel(token=journalist.raw_token)
    second_journalist.refresh_from_db()
    assert second_journalist.status == Status.PENDING


def test_promotion_skips_a_category_at_its_quota_and_takes_the_next_in_line():
    forum = ForumFactory(capacity=2)
    CategoryQuota.objects.create(forum=forum, category="student", seats=1)
    student = register_attendee(forum, category="student")
    other = register_attendee(forum, category="private")
    waiting_student = register_attendee(forum, category="student")
    waiting_private = register_attendee(forum, category="private")
    services.cancel(token=other.raw_token)
    waiting_student.refresh_from_db()
    waiting_private.refresh_from_db()
    assert waiting_student.status == Status.WAITLISTED
    assert waiting_private.status == Status.PENDING
    assert student.status == Status.PENDING


def test_promote_waitlist_hands_out_seats_added_later():
    forum = ForumFactory(capacity=1)
    register_attendee(forum)
    waiting = [register_attendee(forum) for _ in range(3)]
    forum.capacity = 3
    forum.save()
    assert services.promote_waitlist() == 2
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == [
        Status.PENDING,
        Status.PENDING,
        Status.WAITLISTED,
    ]
    assert services.promote_waitlist(forum=forum) == 0


def test_the_same_email_in_any_case_does_not_create_a_second_registration():
    forum = ForumFactory()
    first = register_attendee(forum, email="Leyla@Example.org")
    result = services.register(forum=forum, **registration_input(email="leyla@example.ORG"))
    assert not result.created
    assert result.registration.pk == first.pk
    assert Registration.objects.filter(forum=forum).count() == 1
    # The link was sent again (as a new message with a new token) once per interval.
    resent = [m for m in _messages("registration_confirm_email", first) if ":resend:" in m.dedupe_key]
    assert len(resent) == 1
    services.register(forum=forum, **registration_input(email="LEYLA@example.org"))
    assert len([m for m in _messages("registration_confirm_email", first) if ":resend:" in m.dedupe_key]) == 1
    assert AccessToken.objects.filter(registration=first).count() == 2


def test_an_address_the_database_folds_to_a_registered_one_is_the_same_person():
    # "\u212a" (the Kelvin sign) passes email validation; PostgreSQL lowers it to "k", as the
    # unique constraint does, while upper case leaves it as it is.
    forum = ForumFactory()
    first = register_attendee(forum, email="kamala@example.org")
    result = services.register(forum=forum, **registration_input(email="\u212aamala@example.org"))
    assert not result.created
    assert result.registration.pk == first.pk
    assert Registration.objects.filter(forum=forum).count() == 1


def test_a_second_insert_for_one_person_that_slips_past_the_lookup_is_a_duplicate(monkeypatch, caplog):
    forum = ForumFactory()
    register_attendee(forum, email="twice@example.org")
    monkeypatch.setattr(services, "_active_registration", lambda forum, email: None)  # as without the lock
    with pytest.raises(RegistrationError) as raised:
        services.register(forum=forum, **registration_input(email="TWICE@example.org"))
    assert (raised.value.code, raised.value.status) == ("duplicate", 409)
    assert "registration_one_active_per_email" in caplog.text
    assert "twice@example.org" not in caplog.text.lower()  # the log names the constraint, not the person
    assert Registration.objects.filter(forum=forum).count() == 1


def test_any_other_constraint_failing_is_a_fault_not_a_duplicate(monkeypatch):
    forum = ForumFactory()
    first = register_attendee(forum)
    monkeypatch.setattr(services, "new_badge_code", lambda: first.badge_code)
    with pytest.raises(IntegrityError):
        services.register(forum=forum, **registration_input())
    assert Registration.objects.filter(forum=forum).count() == 1


def test_the_database_refuses_two_active_registrations_for_one_email():
    forum = ForumFactory()
    first = register_attendee(forum, email="dup@example.org")
    twin = Registration(
        forum=forum,
        first_name="X",
        last_name="Y",
        email="DUP@example.org",
        organization="O",
        position="P",
        country="AZ",
        category="other",
        status=Status.WAITLISTED,
        waitlisted_at=timezone.now(),
        badge_code="ZZZZZZZZZZ",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    # Once the first is cancelled the address may register again.
    services.cancel(token=first.raw_token)
    again = register_attendee(forum, email="dup@example.org")
    assert again.pk != first.pk and again.status == Status.PENDING


@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        (datetime.timedelta(days=1), datetime.timedelta(days=2)),
        (-datetime.timedelta(days=2), -datetime.timedelta(days=1)),
    ],
)
def test_registration_outside_the_window_is_refused_without_a_record(opens, closes):
    now = timezone.now()
    forum = ForumFactory(registration_opens_at=now + opens, registration_closes_at=now + closes)
    with pytest.raises(RegistrationError) as caught:
        register_attendee(forum)
    assert caught.value.status == 409
    assert caught.value.code == "registration_closed"
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_draft_forum_is_closed_for_registration():
    forum = ForumFactory(status="draft")
    with pytest.raises(RegistrationError):
        register_attendee(forum)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"first_name": "   "}, "first_name"),
        ({"country": "XX"}, "country"),
        ({"category": "vip"}, "category"),
        ({"consent": False}, "consent"),
        ({"phone": "call me"}, "phone"),
        ({"language": "de"}, "language"),
        ({"panel_ids": [999999]}, "panels"),
    ],
)
def test_bad_input_is_refused_field_by_field_without_a_record(overrides, field):
    forum = ForumFactory()
    with pytest.raises(RegistrationError) as caught:
        register_attendee(forum, **overrides)
    assert caught.value.status == 400
    assert field in caught.value.fields
    assert not Registration.objects.exists()


def test_a_full_waitlist_refuses_new_people_and_known_ones_alike():
    forum = ForumFactory(capacity=1)
    RegistrationPolicy.objects.create(forum=forum, waitlist_limit=1)
    register_attendee(forum)
    waiting = register_attendee(forum)
    with pytest.raises(RegistrationError) as new_person:
        register_attendee(forum)
    assert new_person.value.code == "forum_full" and new_person.value.status == 409
    with pytest.raises(RegistrationError) as known_person:
        services.register(forum=forum, **registration_input(email=waiting.email))
    assert known_person.value.as_dict() == new_person.value.as_dict()
    assert Registration.objects.filter(forum=forum).count() == 2


def test_day_before_reminders_go_once_to_confirmed_attendees_on_forum_local_date():
    forum = ForumFactory(capacity=5)
    confirmed = register_attendee(forum)
    services.confirm(token=confirmed.raw_token)
    pending = register_attendee(forum)
    # 21:30 UTC is already the next day in Baku (UTC+4): the forum starts "tomorrow" there.
    day_before_baku = datetime.datetime.combine(
        forum.start_date - datetime.timedelta(days=2), datetime.time(21, 30), tzinfo=datetime.UTC
    )
    assert services.send_day_before_reminders(now=day_before_baku) == 1
    assert services.send_day_before_reminders(now=day_before_baku) == 0
    [message] = _messages("registration_day_before")
    assert message.related_id == str(confirmed.pk)
    assert not _messages("registration_day_before", pending)
    two_days_before_baku = day_before_baku - datetime.timedelta(hours=2)
    assert services.send_day_before_reminders(now=two_days_before_baku) == 0


def test_check_in_marks_once_and_a_second_scan_says_when():
    forum = ForumFactory()
    registration = register_attendee(forum)
    services.confirm(token=registration.raw_token)
    at = (forum.starts_at + datetime.timedelta(minutes=5)).astimezone(datetime.UTC)
    checked = services.check_in(forum=forum, code=registration.badge_code.lower(), now=at)
    assert checked.registration.checked_in_at == at and checked.rehearsal is False
    with pytest.raises(RegistrationError) as caught:
        services.check_in(forum=forum, code=registration.badge_code_display, now=at + datetime.timedelta(hours=1))
    assert caught.value.status == 409
    assert caught.value.code == "already_checked_in"
    assert caught.value.extra["checked_in_at"] == at.isoformat()
    assert at.astimezone(forum.tz).strftime("%H:%M") in caught.value.message
    registration.refresh_from_db()
    assert registration.checked_in_at == at


def test_check_in_refuses_unknown_and_unconfirmed_badges():
    forum = ForumFactory()
    pending = register_attendee(forum)
    with pytest.raises(RegistrationError) as unknown:
        services.check_in(forum=forum, code="NOPE123456", now=forum.starts_at)
    assert unknown.value.status == 404
    with pytest.raises(RegistrationError) as unconfirmed:
        services.check_in(forum=forum, code=pending.badge_code, now=forum.starts_at)
    assert unconfirmed.value.code == "not_confirmed"
    other_forum = ForumFactory()
    with pytest.raises(RegistrationError):
        services.check_in(forum=other_forum, code=pending.badge_code, now=other_forum.starts_at)


def test_a_checked_in_attendee_cannot_cancel():
    forum = ForumFactory()
    registration = register_attendee(forum)
    services.confirm(token=registration.raw_token)
    services.check_in(forum=forum, code=registration.badge_code, now=forum.starts_at)
    with pytest.raises(RegistrationError) as caught:
        services.cancel(token=registration.raw_token)
    assert caught.value.code == "checked_in"


def test_expired_or_unknown_links_are_refused():
    forum = ForumFactory()
    registration = register_attendee(forum)
    with pytest.raises(RegistrationError) as unknown:
        services.confirm(token="x" * 43)
    assert unknown.value.status == 404
    AccessToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(RegistrationError) as expired:
        services.confirm(token=registration.raw_token)
    assert expired.value.status == 410
    assert Registration.objects.get().status == Status.PENDING


def test_waitlisted_person_cannot_confirm_before_promotion():
    forum = ForumFactory(capacity=0)
    registration = register_attendee(forum)
    with pytest.raises(RegistrationError) as caught:
        services.confirm(token=registration.raw_token)
    assert caught.value.code == "still_waitlisted"
