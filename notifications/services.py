"""The outbox: every email is a row first, delivered by a Celery task after commit."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def enqueue(*, kind, recipient, language, context, dedupe_key, related=None, attachments=()):
    """Queue a message inside the caller's transaction.

    ``context`` must be JSON (ids, strings, numbers): templates
    ``notifications/email/<kind>.subject.txt``, ``.txt`` and ``.html`` render it in ``language``.
    ``attachments`` are descriptors built at send time, each
    ``{"builder": "app.module.function", "kwargs": {...}}`` where the function returns
    ``(filename, content_bytes, mimetype)``: the file reflects the data when the mail leaves.

    The same ``dedupe_key`` never produces a second message: the existing row is returned.
    Delivery is dispatched once the transaction commits; if the broker is down the row waits
    for the sweeper.
    """
    defaults = {
        "kind": kind,
        "recipient": recipient,
        "language": language,
        "context": context,
        "attachments": list(attachments),
    }
    if related is not None:
        defaults["related_type"] = ContentType.objects.get_for_model(related)
        defaults["related_id"] = str(related.pk)
    with transaction.atomic():
        message, created = OutboxMessage.objects.get_or_create(dedupe_key=dedupe_key, defaults=defaults)
    if created:
        transaction.on_commit(lambda: dispatch(message_id=message.pk))
    return message


def dispatch(*, message_id):
    """Hand a message to the workers; never raise into the caller (the sweeper retries)."""
    from .tasks import deliver_message

    try:
        deliver_message.delay(message_id)
    except Exception:  # broker unreachable: the row stays queued and the sweeper sends it later
        logger.warning("Could not dispatch outbox message %s; the sweeper will retry", message_id, exc_info=True)


def render_message(message):
    """Subject, plain text and HTML of a message, rendered in its language."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(message.language):
        context = {**message.context, "message": message}
        base = f"notifications/email/{message.kind}"
        subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    return subject, text, html


def deliver(*, message_id):
    """Send one queued message. Claiming the row under a lock makes a second worker skip it."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.utils import timezone

    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                pk=message_id,
                state__in=[OutboxMessage.State.QUEUED, OutboxMessage.State.RETRYING],
            )
            .first()
        )
        if message is None:
            return None
        message.state = OutboxMessage.State.SENDING
        message.attempts += 1
        message.save(update_fields=["state", "attempts", "updated_at"])
    try:
        subject, text, html = render_message(message)
        email = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [message.recipient])
        email.attach_alternative(html, "text/html")
        for descriptor in message.attachments:
            email.attach(*build_attachment(descriptor))
        email.send()
    except Exception as exc:
        message.state = OutboxMessage.State.FAILED
        message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        message.save(update_fields=["state", "last_error", "updated_at"])
        return message
    message.state = OutboxMessage.State.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["state", "sent_at", "last_error", "updated_at"])
    return message


def build_attachment(descriptor):
    from django.utils.module_loading import import_string

    builder = import_string(descriptor["builder"])
    return builder(**descriptor.get("kwargs", {}))
