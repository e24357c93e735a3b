"""The outbox API: organizers list, filter and read messages, and resend or cancel them."""

import pytest
from django.contrib.auth.models import Permission

from notifications import services
from notifications.models import OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/outbox/"


def message(key, *, kind="registration_confirmation", recipient=None, state=None, error=""):
    row = services.enqueue(
        kind=kind, recipient=recipient or f"{key}@example.org", language="en", context={}, dedupe_key=key
    )
    if state:
        OutboxMessage.objects.filter(pk=row.pk).update(state=state, last_error=error, attempts=5 if error else 0)
        row.refresh_from_db()
    return row


def test_organizers_list_messages_newest_first_with_filters(organizer_client):
    old = message("one", recipient="aysel@example.org")
    failed = message("two", kind="invitation", state="failed", error="550 mailbox unavailable")
    newest = message("three", recipient="rashad@example.net")

    body = organizer_client.get(URL).json()
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [newest.pk, failed.pk, old.pk]

    only_failed = organizer_client.get(URL, {"state": "failed"}).json()["results"]
    assert [row["id"] for row in only_failed] == [failed.pk]
    assert only_failed[0]["last_error"] == "550 mailbox unavailable"
    assert only_failed[0]["resendable"] is True and only_failed[0]["cancellable"] is False

    assert [r["id"] for r in organizer_client.get(URL, {"kind": "invitation"}).json()["results"]] == [failed.pk]
    by_address = organizer_client.get(URL, {"recipient": "EXAMPLE.NET"}).json()["results"]
    assert [row["id"] for row in by_address] == [newest.pk]
    oldest_first = organizer_client.get(URL, {"ordering": "created_at"}).json()["results"]
    assert [row["id"] for row in oldest_first] == [old.pk, failed.pk, newest.pk]


def test_an_unknown_state_filter_is_400_with_the_field(organizer_client):
    response = organizer_client.get(URL, {"state": "lost"})
    assert response.status_code == 400
    assert "state" in response.json()["fields"]


def test_resend_queues_a_failed_message_again(organizer_client):
    failed = message("failed", state="failed", error="550")
    response = organizer_client.post(f"{URL}{failed.pk}/resend/")
    assert response.status_code == 200
    body = response.json()
    # Delivered on commit in real use; inside the test transaction it waits in the queue.
    assert body["state"] == "queued" and body["attempts"] == 0
    failed.refresh_from_db()
    assert failed.state == "queued"


def test_resend_of_a_sent_message_is_409_and_changes_nothing(organizer_client):
    sent = message("sent", state="sent")
    response = organizer_client.post(f"{URL}{sent.pk}/resend/")
    assert response.status_code == 409
    assert response.json()["code"] == "outbox_not_resendable"
    sent.refresh_from_db()
    assert sent.state == "sent"


def test_cancel_stops_a_queued_message_and_refuses_a_second_time(organizer_client):
    queued = message("queued")
    first = organizer_client.post(f"{URL}{queued.pk}/cancel/")
    assert first.status_code == 200
    assert first.json()["state"] == "cancelled"
    again = organizer_client.post(f"{URL}{queued.pk}/cancel/")
    assert again.status_code == 409
    assert again.json()["code"] == "outbox_not_cancellable"


def test_unknown_message_is_404(organizer_client):
    assert organizer_client.post(f"{URL}999999/resend/").status_code == 404


def test_outbox_is_closed_to_the_public_and_to_users_without_the_permission(client):
    queued = message("private", recipient="private.person@example.org")
    anonymous = client.get(URL)
    assert anonymous.status_code == 401
    assert b"private.person" not in anonymous.content
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}{queued.pk}/cancel/").status_code == 403


def test_a_reader_may_list_but_not_cancel(client):
    queued = message("read-only")
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    client.force_login(reader)
    assert client.get(URL).json()["count"] == 1
    assert client.post(f"{URL}{queued.pk}/cancel/").status_code == 403
    queued.refresh_from_db()
    assert queued.state == "queued"
