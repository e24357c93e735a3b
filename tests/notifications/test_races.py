"""Concurrent enqueues with real PostgreSQL connections (threads, each its own connection)."""

import threading

import pytest
from django.db import connection, transaction

from notifications import services
from notifications.models import OutboxMessage


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_enqueueing_the_same_key_make_one_row_and_both_commit(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    first_inserted = threading.Event()
    results, errors = {}, []

    def request(name, hold):
        try:
            with transaction.atomic():
                message = services.enqueue(
                    kind="organizer_digest",
                    recipient=f"{name}@example.org",
                    language="en",
                    context={"counts": {}},
                    dedupe_key="reminder:invitation-42:3d",
                )
                if hold:
                    first_inserted.set()
                    # Keep the transaction open while the other one runs into the unique index.
                    threading.Event().wait(1.0)
                # The caller's transaction is still usable after the duplicate was resolved.
                OutboxMessage.objects.create(
                    kind="other", recipient=f"{name}@example.org", dedupe_key=f"after:{name}", state="cancelled"
                )
            results[name] = message.pk
        except Exception as exc:  # reported below with the thread's name
            errors.append((name, exc))
        finally:
            connection.close()

    first = threading.Thread(target=request, args=("first", True))
    first.start()
    assert first_inserted.wait(10)
    second = threading.Thread(target=request, args=("second", False))
    second.start()
    first.join(20)
    second.join(20)
    assert not errors
    assert results["first"] == results["second"]
    assert OutboxMessage.objects.filter(dedupe_key="reminder:invitation-42:3d").count() == 1
    assert set(OutboxMessage.objects.filter(kind="other").values_list("dedupe_key", flat=True)) == {
        "after:first",
        "after:second",
    }
