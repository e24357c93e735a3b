"""Messages to a segment: who is in it, each person's language with a fallback, a preview with one
real recipient and the count before anything is sent, one message per person, and the history."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import OutboxMessage
from organizer import selectors, services
from registration import services as registration_services
from tests.factories import ForumFactory, InvitationFactory, OrganizerFactory, SpeakerFactory, register_attendee

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    client = Client()
    client.force_login(OrganizerFactory())
    client.cookies["django_language"] = "en"
    return client


def _confirmed(forum, **kwargs):
    registration = register_attendee(forum, **kwargs)
    registration_services.confirm(token=registration.raw_token)
    return registration


def test_attendee_segments_filter_by_status_category_and_country():
    forum = ForumFactory()
    _confirmed(forum, country="TR", category="media", email="a@example.org")
    _confirmed(forum, country="AZ", email="b@example.org")
    register_attendee(forum, country="TR", email="c@example.org")  # pending
    emails = lambda f: [p["email"] for p in selectors.segment_recipients(forum=forum, audience="attendees", filters=f)]  # noqa: E731
    assert emails({}) == sorted(emails({}), key=lambda e: e) or len(emails({})) == 3
    assert set(emails({"country": "TR"})) == {"a@example.org", "c@example.org"}
    assert emails({"status": "confirmed", "country": "tr"}) == ["a@example.org"]
    assert emails({"category": "media"}) == ["a@example.org"]


def test_speaker_segments_filter_by_state_and_travel_needs():
    forum = ForumFactory()
    visa = InvitationFactory(forum=forum)
    visa.needs_visa_letter = True
    visa.save()
    InvitationFactory(forum=forum)
    people = selectors.segment_recipients(forum=forum, audience="speakers", filters={"travel": "visa"})
    assert [p["email"] for p in people] == [visa.speaker.email]
    assert len(selectors.segment_recipients(forum=forum, audience="speakers", filters={"state": "draft"})) == 2


def test_each_person_reads_their_language_or_the_default_one():
    forum = ForumFactory()
    subject = {"az": "Salam", "ru": "Привет", "en": "", "tr": ""}
    body = {"az": "Mətn", "ru": "Текст", "en": "", "tr": ""}
    ru = {"name": "Olga", "email": "o@example.org", "language": "ru"}
    en = {"name": "Ann", "email": "a@example.org", "language": "en"}
    assert services.broadcast_message(forum=forum, subject=subject, body=body, person=ru)[1]["subject"] == "Привет"
    language, context = services.broadcast_message(forum=forum, subject=subject, body=body, person=en)
    assert (language, context["body"]) == ("az", "Mətn")


def test_sending_twice_to_the_same_address_in_one_broadcast_queues_one_message():
    forum = ForumFactory()
    _confirmed(forum, email="same@example.org")
    speaker = SpeakerFactory(email="SAME@example.org".lower())
    InvitationFactory(forum=forum, speaker=speaker)
    broadcast = services.send_broadcast(
        forum=forum, audience="attendees", filters={}, subject={"az": "S"}, body={"az": "B"}
    )
    assert broadcast.recipient_count == 1
    assert OutboxMessage.objects.filter(kind="organizer_broadcast").count() == 1


def _data(**extra):
    data = {"audience": "attendees", "subject_az": "Salam", "body_az": "Mətn", "subject_en": "Hello", "body_en": "Text"}
    data.update(extra)
    return data


def test_the_page_previews_with_a_real_recipient_and_counts_before_sending(staff):
    forum = ForumFactory()
    for number in range(3):
        _confirmed(forum, email=f"p{number}@example.org", language="en")
    url = reverse("organizer:messages", args=[forum.slug])
    page = staff.post(url, _data()).content.decode()
    assert "This emails 3 attendees." in page and "Hello" in page and "p0@example.org" in page
    assert not OutboxMessage.objects.filter(kind="organizer_broadcast").exists()
    response = staff.post(url, _data(confirmed="yes"))
    assert response.status_code == 302
    sent = OutboxMessage.objects.filter(kind="organizer_broadcast")
    assert sent.count() == 3 and set(sent.values_list("language", flat=True)) == {"en"}
    history = staff.get(url).content.decode()
    assert "Salam" in history and "Queued: 3" in history


def test_an_empty_segment_is_explained_and_sends_nothing(staff):
    forum = ForumFactory()
    page = staff.post(reverse("organizer:messages", args=[forum.slug]), _data(confirmed="yes"))
    assert page.status_code == 400 and "Nobody is in this segment." in page.content.decode()


def test_the_page_keeps_its_query_count_as_history_grows(staff, django_assert_num_queries):
    forum = ForumFactory()
    _confirmed(forum)
    url = reverse("organizer:messages", args=[forum.slug])
    services.send_broadcast(forum=forum, audience="attendees", filters={}, subject={"az": "1"}, body={"az": "1"})
    with django_assert_num_queries(10):
        staff.get(url)
    for n in range(4):
        services.send_broadcast(forum=forum, audience="attendees", filters={}, subject={"az": str(n)}, body={"az": "x"})
    with django_assert_num_queries(10):
        staff.get(url)
