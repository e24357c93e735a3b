"""One registration's page for the organizers: everything about it and its messages, the link sent
again, another category, a manual check-in; its list page and its own page keep their query counts."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import OutboxMessage
from registration import services
from registration.models import CategoryQuota, Registration
from tests.factories import ForumFactory, OrganizerFactory, doors_open, register_attendee

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    client = Client()
    client.force_login(OrganizerFactory())
    client.cookies["django_language"] = "en"
    return client


def _confirmed(forum, **kwargs):
    registration = register_attendee(forum, **kwargs)
    services.confirm(token=registration.raw_token)
    registration.refresh_from_db()
    return registration


def _url(registration, action=None):
    if action:
        return reverse("registration:organizer_action", args=[registration.forum.slug, registration.pk, action])
    return reverse("registration:organizer_detail", args=[registration.forum.slug, registration.pk])


def test_the_page_shows_the_person_and_every_message_about_them(staff):
    registration = _confirmed(ForumFactory())
    html = staff.get(_url(registration)).content.decode()
    assert registration.email in html and registration.badge_code_display in html
    assert "registration_confirmed" in html and "registration_confirm_email" in html


def test_another_editions_registration_is_not_found(staff):
    registration = _confirmed(ForumFactory())
    other = ForumFactory()
    assert staff.get(reverse("registration:organizer_detail", args=[other.slug, registration.pk])).status_code == 404


def test_the_personal_link_is_sent_again_once_per_double_click(staff):
    registration = _confirmed(ForumFactory())
    before = OutboxMessage.objects.count()
    staff.post(_url(registration, "resend"))
    staff.post(_url(registration, "resend"))
    assert OutboxMessage.objects.count() == before + 1
    assert OutboxMessage.objects.order_by("-id").first().recipient == registration.email


def test_category_changes_within_the_quota_and_a_full_quota_is_explained(staff):
    forum = ForumFactory()
    CategoryQuota.objects.create(forum=forum, category="media", seats=1)
    first, second = _confirmed(forum), _confirmed(forum)
    staff.post(_url(first, "category"), {"category": "media"})
    first.refresh_from_db()
    assert first.category == "media"
    page = staff.post(_url(second, "category"), {"category": "media"}, follow=True).content.decode()
    second.refresh_from_db()
    assert second.category == "academia" and "quota" in page


def test_manual_check_in_marks_the_person_present_once(staff):
    registration = _confirmed(ForumFactory())
    doors_open(registration.forum)
    staff.post(_url(registration, "checkin"))
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    page = staff.post(_url(registration, "checkin"), follow=True).content.decode()
    assert "already checked in" in page


def test_the_pages_keep_their_query_counts_as_data_grows(staff, django_assert_num_queries):
    forum = ForumFactory(capacity=50)
    few = _confirmed(forum)
    for _ in range(8):
        _confirmed(forum)
    many = Registration.objects.filter(forum=forum).order_by("-id").first()
    for _ in range(5):
        services.resend_link_by_organizer(registration_id=many.pk, forum=forum, now=None)
        OutboxMessage.objects.filter(dedupe_key__contains="organizer_resend").update(dedupe_key="x" + str(_))
    for registration in (few, many):
        with django_assert_num_queries(9):
            assert staff.get(_url(registration)).status_code == 200
    with django_assert_num_queries(10):
        assert staff.get(reverse("registration:organizer_list", args=[forum.slug])).status_code == 200
