"""A broadcast written on the console's page is delivered by a real Celery worker (subprocess, on
Redis) to a real SMTP server, once per person, each in their language."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import OutboxMessage
from registration import services as registration_services
from tests.factories import ForumFactory, OrganizerFactory, register_attendee
from tests.faults.conftest import wait_all_sent

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_a_broadcast_to_a_segment_reaches_each_person_once_in_their_language(spawn, smtp):
    from django.contrib.auth.models import Group, Permission

    from core.permissions import ORGANIZERS_GROUP

    group, _created = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="notifications"))
    group.permissions.add(*Permission.objects.filter(content_type__app_label="forum"))
    forum = ForumFactory()
    languages = {"tr1@example.org": "tr", "ru1@example.org": "ru", "en1@example.org": "en"}
    for email, language in languages.items():
        attendee = register_attendee(forum, email=email, language=language, country="TR")
        registration_services.confirm(token=attendee.raw_token)
    register_attendee(forum, email="az1@example.org", country="AZ")  # outside the segment
    confirmations = OutboxMessage.objects.count()
    spawn("worker")
    wait_all_sent(confirmations, timeout=90)  # the registration mails go first

    client = Client()
    client.force_login(OrganizerFactory())
    data = {"audience": "attendees", "country": "TR", "subject_az": "Salam", "body_az": "Mətn",
            "subject_ru": "Привет", "body_ru": "Текст", "confirmed": "yes"}  # fmt: skip
    response = client.post(reverse("organizer:messages", args=[forum.slug]), data)
    assert response.status_code == 302
    wait_all_sent(confirmations + 3, timeout=90)

    got = {m["To"]: m for m in smtp.handler.messages if m["Subject"] in {"Salam", "Привет"}}
    assert set(got) == set(languages)
    assert got["ru1@example.org"]["Subject"] == "Привет"
    assert got["tr1@example.org"]["Subject"] == "Salam"  # nothing written in Turkish: Azerbaijani
    assert OutboxMessage.objects.filter(kind="organizer_broadcast", state="sent").count() == 3
    history = client.get(reverse("organizer:messages", args=[forum.slug])).content.decode()
    assert 'data-state="sent"' in history
