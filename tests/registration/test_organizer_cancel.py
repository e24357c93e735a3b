"""Organizers cancel a registration (service, staff page, admin action): the seat goes to the
waitlist at once."""

import pytest
from django.test import Client
from django.urls import reverse

from registration import services
from registration.errors import RegistrationError
from registration.models import Registration
from tests.factories import ForumFactory, OrganizerFactory, UserFactory, register_attendee

pytestmark = pytest.mark.django_db
Status = Registration.Status


def _full_forum_with_waitlist():
    forum = ForumFactory(capacity=1)
    holder = register_attendee(forum)
    services.confirm(token=holder.raw_token)
    waiting = register_attendee(forum)
    assert waiting.status == Status.WAITLISTED
    return forum, holder, waiting


def test_the_service_frees_the_seat_and_promotes_the_next_person():
    forum, holder, waiting = _full_forum_with_waitlist()
    cancelled = services.cancel_by_organizer(registration_id=holder.pk, forum=forum)
    assert cancelled.status == Status.CANCELLED and cancelled.cancel_reason == Registration.CancelReason.ORGANIZER
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING and waiting.hold_expires_at
    assert services.cancel_by_organizer(registration_id=holder.pk).status == Status.CANCELLED  # twice: harmless


def test_a_checked_in_attendee_or_another_forum_registration_is_refused():
    forum, holder, _waiting = _full_forum_with_waitlist()
    services.check_in(forum=forum, code=holder.badge_code, now=forum.starts_at)
    with pytest.raises(RegistrationError) as refused:
        services.cancel_by_organizer(registration_id=holder.pk, forum=forum)
    assert refused.value.code == "checked_in" and refused.value.status == 409
    with pytest.raises(RegistrationError) as elsewhere:
        services.cancel_by_organizer(registration_id=holder.pk, forum=ForumFactory())
    assert elsewhere.value.status == 404
    holder.refresh_from_db()
    assert holder.status == Status.CONFIRMED


def test_the_detail_page_button_asks_then_cancels_and_strangers_cannot():
    forum, holder, waiting = _full_forum_with_waitlist()
    url = reverse("registration:organizer_cancel", kwargs={"slug": forum.slug, "pk": holder.pk})
    stranger = UserFactory(is_staff=True)
    stranger.save()
    client = Client()
    client.force_login(stranger)
    assert client.post(url).status_code == 403
    assert Client().post(url).status_code == 302  # to the login page
    holder.refresh_from_db()
    assert holder.status == Status.CONFIRMED

    organizer = Client()
    organizer.force_login(OrganizerFactory())
    listing = organizer.get(reverse("registration:organizer_list", kwargs={"slug": forum.slug})).content.decode()
    assert url not in listing  # no cancel button on the rows of the list
    detail = reverse("registration:organizer_detail", kwargs={"slug": forum.slug, "pk": holder.pk})
    assert detail in listing and url in organizer.get(detail).content.decode()
    assert Client(enforce_csrf_checks=True).post(url).status_code in (302, 403)
    asked = organizer.post(url)
    assert asked.status_code == 200 and holder.email in asked.content.decode()
    holder.refresh_from_db()
    assert holder.status == Status.CONFIRMED  # nothing happens before the confirmation
    response = organizer.post(url, {"confirmed": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Status.CANCELLED and waiting.status == Status.PENDING


def _admin_cancel(client, ids, **extra):
    data = {"action": "cancel_selected", "_selected_action": ids, **extra}
    return client.post(reverse("admin:registration_registration_changelist"), data, follow=True)


def test_the_admin_action_shows_who_is_affected_and_changes_nothing_before_the_confirmation():
    _forum, holder, waiting = _full_forum_with_waitlist()
    checked_in = register_attendee(ForumFactory(), first_name="Kamran", email="kamran@example.org")
    services.confirm(token=checked_in.raw_token)
    services.check_in(forum=checked_in.forum, code=checked_in.badge_code, now=checked_in.forum.starts_at)
    gone = register_attendee(ForumFactory(), first_name="Gone")
    services.cancel(token=gone.raw_token)
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin.cookies["django_language"] = "en"

    page = _admin_cancel(admin, [holder.pk, checked_in.pk, gone.pk])
    html = page.content.decode()
    assert page.status_code == 200 and "Cancel these registrations?" in html
    assert "This emails 1 attendee. Up to 1 person on the waitlist gets a freed seat and is emailed too." in html
    cancelled = html.split('data-list="cancelled"', 1)[1].split("</ul>", 1)[0]
    assert holder.email in cancelled and "kamran@example.org" not in cancelled
    assert "Kamran" in html.split('data-list="refused"', 1)[1].split("</ul>", 1)[0]
    assert "Gone" in html.split('data-list="unchanged"', 1)[1].split("</ul>", 1)[0]
    assert 'name="confirmed" value="yes"' in html
    for registration, status in ((holder, Status.CONFIRMED), (waiting, Status.WAITLISTED)):
        registration.refresh_from_db()
        assert registration.status == status  # nothing happened yet

    done = _admin_cancel(admin, [holder.pk, checked_in.pk, gone.pk], confirmed="yes")
    assert done.redirect_chain[-1][0] == reverse("admin:registration_registration_changelist")
    assert "1 registration cancelled." in done.content.decode()
    assert "has already been checked in" in done.content.decode()
    holder.refresh_from_db()
    waiting.refresh_from_db()
    checked_in.refresh_from_db()
    assert holder.status == Status.CANCELLED and waiting.status == Status.PENDING
    assert checked_in.status == Status.CONFIRMED


def test_the_admin_action_with_nothing_to_cancel_offers_no_button():
    gone = register_attendee(ForumFactory())
    services.cancel(token=gone.raw_token)
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin.cookies["django_language"] = "en"
    html = _admin_cancel(admin, [gone.pk]).content.decode()
    assert "nothing would change" in html and 'name="confirmed"' not in html


def test_the_confirm_link_needs_a_post_with_csrf():
    registration = register_attendee(ForumFactory())
    url = reverse("registration:confirm", kwargs={"token": registration.raw_token})
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(url).status_code == 200
    assert strict.post(url).status_code == 403
    registration.refresh_from_db()
    assert registration.status == Status.PENDING
