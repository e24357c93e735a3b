"""The outbox: every email is a row first, delivered by a Celery task after commit.

Life of a message::

    queued ──claim──> sending ──SMTP 250──> sent
       ^                 │
       │                 ├─ transient (4xx, refused, timeout) ─> retrying ─(due)─> claim again
       │                 ├─ permanent (5xx, bad address/template/attachment) ─> failed
       │                 └─ attempts exhausted ─> failed
    resend <── failed / cancelled          queued / retrying ──cancel──> cancelled

Exactly once. A worker claims a row under a row lock (``SELECT … FOR UPDATE SKIP LOCKED``) and
only while it is ``queued`` or ``retrying``; the claim commits ``sending`` before any SMTP traffic.
A second task for the same row (a duplicate dispatch, an ``acks_late`` redelivery, a racing worker)
finds it locked or no longer claimable and does nothing. A ``sent`` row is never claimed again.
A worker keeps its SMTP connection for the next message, but one that saw any error is closed and
never reused, and the message that failed is never resent on the spot: it waits for its retry.

The one window left is inherent to SMTP (RFC 1047): the server has accepted the message but the
worker dies before it records ``sent``. We keep it to the time between the server's "250" and one
``UPDATE`` (the SMTP connection is closed, or handed to the next message, only after the row says
``sent``; see ``notifications.mailconnection`` for when a connection is reused). A row left in
``sending`` is reclaimed by the sweeper after ``NOTIFICATIONS_SENDING_TIMEOUT`` and sent again, so
that rare crash yields a second copy rather than a lost visa letter; both copies carry the same
``Message-ID`` and ``X-Outbox-Id`` so mail systems and people can recognise the duplicate.
"""

import contextlib
import datetime
import email.utils
import hashlib
import json
import logging
import secrets
import smtplib
import time
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.errors import DomainError

from . import mailconnection, signals
from .errors import NotificationError, PermanentDeliveryError
from .models import OutboxMessage

logger = logging.getLogger(__name__)

State = OutboxMessage.State
CLAIMABLE = (State.QUEUED, State.RETRYING)
MAX_COUNTDOWN_SECONDS = 60  # never an ETA further away than this; the sweeper handles the rest
DEDUPE_KEY_MAX = 255

_random = secrets.SystemRandom()
# Monotonic time until which this process does not try the broker (after a failed publish).
_broker_unavailable_until = 0.0


# --- enqueue and dispatch -------------------------------------------------------------------


def enqueue(*, kind, recipient, language, context, dedupe_key, related=None, attachments=()):
    """Queue a message inside the caller's transaction.

    ``context`` must be JSON (ids, strings, numbers): templates
    ``notifications/email/<kind>.subject.txt``, ``.txt`` and ``.html`` render it in ``language``
    (a ``<kind>.<language>.txt`` template wins over the shared one when it exists). Put a
    ``forum_id`` in the context to brand the mail with that edition; otherwise the current one is
    used. ``attachments`` are descriptors built at send time, each
    ``{"builder": "app.module.function", "kwargs": {...}}`` where the function returns
    ``(filename, content_bytes, mimetype)``, or None to leave the file out: the file reflects the
    data when the mail leaves.

    The same ``dedupe_key`` never produces a second message, even when two processes enqueue it at
    the same moment: the existing row is returned. Delivery is dispatched once the transaction
    commits; if the broker is down the row waits for the sweeper. An address or language that
    cannot be delivered does not raise here: the message fails visibly in the outbox instead.
    """
    if not kind or not dedupe_key:
        raise NotificationError(_("A message needs a kind and a dedupe key."), code="outbox_invalid")
    attachments = list(attachments)
    try:
        json.dumps(context)
        json.dumps(attachments)
    except (TypeError, ValueError) as exc:
        raise NotificationError(
            _("The message context must be JSON (ids, strings, numbers): %(error)s") % {"error": exc},
            code="outbox_context_not_json",
        ) from exc
    now = timezone.now()
    defaults = {
        "kind": kind,
        "recipient": (recipient or "").strip(),
        "language": language or settings.LANGUAGE_CODE,
        "context": context,
        "attachments": attachments,
        "next_attempt_at": now,
        "dispatched_at": now,  # dispatched on commit; cleared again if the broker refuses
    }
    if related is not None:
        defaults["related_type"] = ContentType.objects.get_for_model(related)
        defaults["related_id"] = str(related.pk)
    # get_or_create inserts inside a savepoint: when a concurrent transaction inserted the same
    # key first, the unique index makes our insert wait for it and fail, the savepoint rolls back
    # (the caller's transaction stays usable) and the committed row is read and returned.
    with transaction.atomic():
        message, created = OutboxMessage.objects.get_or_create(
            dedupe_key=normalize_dedupe_key(dedupe_key), defaults=defaults
        )
    if created:
        message_id = message.pk
        transaction.on_commit(lambda: dispatch(message_id=message_id))
    return message


def normalize_dedupe_key(key):
    """Keys longer than the column keep a readable prefix and a hash of the whole key."""
    key = str(key)
    if len(key) <= DEDUPE_KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: DEDUPE_KEY_MAX - len(digest) - 1]}#{digest}"


def dispatch(*, message_id, countdown=None):
    """Hand a message to the workers. Never raises into the caller and never waits long.

    Returns True when the task reached the broker. After a failed publish this process skips the
    broker for ``NOTIFICATIONS_BROKER_BACKOFF_SECONDS`` so a Redis outage costs one short timeout,
    not one per request; the row is marked undispatched and the sweeper sends it later.
    """
    global _broker_unavailable_until
    from .tasks import deliver_message

    eager = _tasks_are_eager()
    if not eager and time.monotonic() < _broker_unavailable_until:
        _mark_undispatched([message_id])
        return False
    try:
        if countdown:
            deliver_message.apply_async((message_id,), countdown=min(countdown, MAX_COUNTDOWN_SECONDS))
        else:
            deliver_message.delay(message_id)
    except Exception:  # broker unreachable (or, eagerly, a bug in delivery): the sweeper retries
        if not eager:
            _broker_unavailable_until = time.monotonic() + settings.NOTIFICATIONS_BROKER_BACKOFF_SECONDS
        logger.warning("Could not dispatch outbox message %s; the sweeper will retry", message_id, exc_info=True)
        _mark_undispatched([message_id])
        return False
    return True


def _tasks_are_eager():
    from .tasks import deliver_message

    return bool(deliver_message.app.conf.task_always_eager)


def reset_broker_backoff():
    """Forget a previous publish failure (the broker is known to be back)."""
    global _broker_unavailable_until
    _broker_unavailable_until = 0.0


def _mark_undispatched(message_ids):
    try:
        OutboxMessage.objects.filter(pk__in=message_ids, state__in=CLAIMABLE).update(dispatched_at=None)
    except Exception:  # the database may be the thing that is down; the sweeper's lease expires anyway
        logger.warning("Could not mark outbox messages %s undispatched", message_ids, exc_info=True)


# --- delivery ---------------------------------------------------------------------------------


def deliver(*, message_id):
    """Send one message if it is still due. Returns the row, or None when there was nothing to do."""
    message = _claim(message_id=message_id)
    if message is None:
        return None
    try:
        email_message = build_email(message)
    except PermanentDeliveryError as exc:
        return _fail(message, str(exc))
    connection = None
    try:
        connection = mailconnection.acquire()
        sent = connection.send_messages([email_message])
        if not sent:
            raise PermanentDeliveryError("The mail server took no recipient for this message")
    except Exception as exc:
        if connection is not None:
            mailconnection.discard(connection)  # never reused after an error; never resent here
        return _after_send_error(message, exc)
    except BaseException:  # interrupted mid-transaction: that session must not carry another message
        if connection is not None:
            mailconnection.discard(connection)
        raise
    # Accepted by the server: record it before anything else (see the module docstring).
    try:
        _mark_sent(message)
    except BaseException:
        mailconnection.discard(connection)
        raise
    mailconnection.release(connection)
    return message


def _claim(*, message_id):
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, state__in=CLAIMABLE)
            .order_by()
            .first()
        )
        if message is None:
            return None
        message.state = State.SENDING
        message.attempts += 1
        message.claimed_at = now
        message.dispatched_at = None
        message.save(update_fields=["state", "attempts", "claimed_at", "dispatched_at", "updated_at"])
    return message


def _mark_sent(message):
    now = timezone.now()
    changes = {"state": State.SENT, "sent_at": now, "last_error": "", "claimed_at": None, "dispatched_at": None}
    context = scrubbed_context(message)
    if context is not None:  # the personal link leaves the database with the mail (same statement)
        changes["context"] = message.context = context
    updated = OutboxMessage.objects.filter(pk=message.pk).update(**changes, updated_at=now)
    if updated and message.state != State.SENDING:  # pragma: no cover - defensive
        logger.warning("Outbox message %s was sent after its claim was reclaimed", message.pk)
    message.state, message.sent_at, message.last_error = State.SENT, now, ""
    return message


def _fail(message, error):
    now = timezone.now()
    error = error[:2000]
    changes = {"state": State.FAILED, "last_error": error, "claimed_at": None}
    context = scrubbed_context(message)
    if context is not None:
        changes["context"] = message.context = context
    OutboxMessage.objects.filter(pk=message.pk, state=State.SENDING).update(**changes, updated_at=now)
    logger.error("Outbox message %s (%s to %s) failed: %s", message.pk, message.kind, message.recipient, error)
    message.state, message.last_error = State.FAILED, error
    return message


def _after_send_error(message, exc):
    error = describe_error(exc)
    if not is_transient(exc):
        return _fail(message, error)
    if message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        return _fail(
            message,
            f"Gave up after {message.attempts} attempts: {error}",
        )
    delay = retry_delay(attempts=message.attempts)
    now = timezone.now()
    next_attempt_at = now + datetime.timedelta(seconds=delay)
    # A retry due within a minute gets a countdown task; later ones wait for the sweeper (so do
    # all of them when tasks run eagerly: an eager countdown would retry at once, in a loop).
    soon = delay <= MAX_COUNTDOWN_SECONDS and not _tasks_are_eager()
    updated = OutboxMessage.objects.filter(pk=message.pk, state=State.SENDING).update(
        state=State.RETRYING,
        next_attempt_at=next_attempt_at,
        last_error=error[:2000],
        claimed_at=None,
        dispatched_at=next_attempt_at if soon else None,
        updated_at=now,
    )
    logger.warning("Outbox message %s: transient failure (%s), retry in %.0f s", message.pk, error, delay)
    message.state, message.next_attempt_at, message.last_error = State.RETRYING, next_attempt_at, error[:2000]
    if updated and soon:
        dispatch(message_id=message.pk, countdown=max(delay, 1))
    return message


def is_transient(exc):
    """True for failures that may pass on their own: SMTP 4xx, refused or dropped connections,
    timeouts, an authentication problem of the server account. False for 5xx answers and for
    anything wrong with the message itself."""
    if isinstance(exc, PermanentDeliveryError):
        return False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # A 535 concerns our account, not this message: retrying lets an operator fix the
        # credentials before the attempts run out instead of failing every message at once.
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return not 500 <= exc.smtp_code < 600
    # SMTPServerDisconnected, SMTPConnectError, ConnectionRefusedError, socket timeouts: all OSError.
    return isinstance(exc, OSError)


def describe_error(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{addr}: {code} {_decode(reply)}" for addr, (code, reply) in exc.recipients.items()]
        return f"SMTPRecipientsRefused: {'; '.join(parts)}"[:2000]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.__class__.__name__}: {exc.smtp_code} {_decode(exc.smtp_error)}"[:2000]
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def _decode(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def retry_delay(*, attempts):
    """Seconds before the next try after ``attempts`` tries: exponential, capped, with jitter
    (between half and all of the exponential step, so a burst of failures spreads out)."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    step = min(settings.NOTIFICATIONS_RETRY_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return step / 2 + _random.uniform(0, step / 2)


# --- rendering --------------------------------------------------------------------------------


def build_email(message):
    """The EmailMessage for a row; PermanentDeliveryError when the row itself cannot be sent."""
    if message.language not in settings.LANGUAGE_CODES:
        raise PermanentDeliveryError(f"No translation for language {message.language!r}")
    try:
        validate_email(message.recipient)
    except ValidationError as exc:
        raise PermanentDeliveryError(f"Invalid recipient address {message.recipient!r}") from exc
    try:
        subject, text, html = render_message(message)
    except Exception as exc:  # missing template, syntax error, a failing lookup in the context
        raise PermanentDeliveryError(f"Template error: {exc.__class__.__name__}: {exc}") from exc
    files = []
    zone_name = forum_context(message.context).get("timezone") if message.attachments else None
    for descriptor in message.attachments:
        try:
            with forum_time(zone_name, message.language):  # PDFs and calendars in forum time
                built = build_attachment(descriptor)
            if built is not None:
                files.append(built)
        except Exception as exc:
            builder = descriptor.get("builder") if isinstance(descriptor, dict) else descriptor
            raise PermanentDeliveryError(f"Attachment {builder} failed: {exc.__class__.__name__}: {exc}") from exc
    headers = {
        "Message-ID": message_id_header(message),
        "X-Outbox-Id": message.outbox_id,
        "X-Outbox-Kind": message.kind,
        "Auto-Submitted": "auto-generated",
    }
    email_message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [message.recipient], headers=headers
    )
    email_message.attach_alternative(html, "text/html")
    for filename, content, mimetype in files:
        email_message.attach(filename, content, mimetype)
    return email_message


def message_id_header(message):
    """The same Message-ID for every copy of a row, so a rare duplicate can be recognised."""
    domain = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    created = int(message.created_at.timestamp()) if message.created_at else 0
    return f"<outbox.{message.pk}.{created}@{domain}>"


def render_message(message):
    """Subject, plain text and HTML of a message, rendered in its language and in its edition's
    time zone (a date-time in the context is never written in UTC)."""
    with translation.override(message.language):
        forum = forum_context(message.context)
        context = {
            # Every message says where the organizers are reached (a context may name another).
            "contact_email": email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
            **message.context,
            "message": message,
            "forum": forum,
            "site_url": settings.SITE_URL,
            "LANGUAGE_CODE": message.language,
        }
    with forum_time(forum.get("timezone"), message.language):
        subject = " ".join(_render(message, "subject.txt", context).split())
        text = _render(message, "txt", context)
        html = _render(message, "html", context)
    return subject, text, html


@contextlib.contextmanager
def forum_time(zone_name, language):
    """The outbox knows no domain: it takes the edition's zone by name (default forum zone)."""
    zone = zoneinfo.ZoneInfo(zone_name or settings.FORUM_DEFAULT_TIMEZONE)
    with timezone.override(zone), translation.override(language):
        yield


def _render(message, suffix, context):
    base = f"notifications/email/{message.kind}"
    template = select_template([f"{base}.{message.language}.{suffix}", f"{base}.{suffix}"])
    return template.render(context)


def forum_context(context):
    """Branding for the layout, from ``NOTIFICATIONS_BRANDING`` (a dotted path to a function of the
    message context): the outbox itself knows no forum."""
    given = context.get("forum")
    if isinstance(given, dict):
        return given
    return import_string(settings.NOTIFICATIONS_BRANDING)(context)


def build_attachment(descriptor):
    """``(filename, content, mimetype)``, or None when the builder says the file no longer applies
    (the message then leaves without it, e.g. a visa letter that can no longer be issued)."""
    builder = import_string(descriptor["builder"])
    result = builder(**descriptor.get("kwargs", {}))
    if result is None:
        return None
    filename, content, mimetype = result
    if not filename or content is None:
        raise ValueError("an attachment builder must return (filename, content, mimetype)")
    return filename, content, mimetype


# --- sweeper ----------------------------------------------------------------------------------


def sweep(*, now=None):
    """Reclaim stale claims and re-dispatch due messages. Run every minute by beat.

    Returns counts: ``reclaimed`` (stuck in sending, put back to retrying), ``expired`` (stuck and
    out of attempts, failed) and ``dispatched`` (tasks handed to the broker).
    """
    now = now or timezone.now()
    batch = settings.NOTIFICATIONS_SWEEP_BATCH
    stale_before = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    reclaimed = expired = 0
    with transaction.atomic():
        stuck = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENDING)
            .filter(Q(claimed_at__lt=stale_before) | Q(claimed_at__isnull=True, updated_at__lt=stale_before))
            .order_by("claimed_at")[:batch]
        )
        for message in stuck:
            note = (
                f"Worker lost while sending (claimed {message.claimed_at or message.updated_at:%Y-%m-%d %H:%M:%S} UTC)"
            )
            if message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
                message.state = State.FAILED
                message.last_error = f"Gave up after {message.attempts} attempts: {note}"
                message.context = scrubbed_context(message) or message.context
                expired += 1
            else:
                message.state = State.RETRYING
                message.next_attempt_at = now
                message.last_error = note
                reclaimed += 1
            message.claimed_at = None
            message.dispatched_at = None
            message.updated_at = now
        OutboxMessage.objects.bulk_update(
            stuck, ["state", "next_attempt_at", "last_error", "claimed_at", "dispatched_at", "updated_at", "context"]
        )

    lease_expired = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_REDISPATCH_AFTER)
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state__in=CLAIMABLE, next_attempt_at__lte=now)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=lease_expired))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        OutboxMessage.objects.filter(pk__in=due).update(dispatched_at=now)
    dispatched = 0
    for position, message_id in enumerate(due):
        if not dispatch(message_id=message_id):
            _mark_undispatched(due[position + 1 :])
            break
        dispatched += 1
    if reclaimed or expired or dispatched:
        logger.info("Outbox sweep: %s reclaimed, %s expired, %s dispatched", reclaimed, expired, dispatched)
    return {"reclaimed": reclaimed, "expired": expired, "dispatched": dispatched}


# --- organizer actions ------------------------------------------------------------------------


def resend(*, message_ids):
    """Put failed or cancelled messages back in the queue (attempts start again). Returns how many.

    A message whose personal link was erased (see ``notifications.signals``) gets a fresh link
    from the app that owns it; one the app refuses to renew (a withdrawn invitation, an anonymized
    registration) stays where it is."""
    return _resend(message_ids)[0]


def _resend(message_ids):
    now = timezone.now()
    refused = []
    with transaction.atomic():
        candidates = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=message_ids, state__in=[State.FAILED, State.CANCELLED])
            .order_by("pk")
        )
        ids = []
        for message in candidates:
            try:
                with transaction.atomic():
                    context = refreshed_context(message)
                    if context is not None:
                        OutboxMessage.objects.filter(pk=message.pk).update(context=context)
            except NotificationError as exc:
                refused.append(exc)
                continue
            ids.append(message.pk)
        OutboxMessage.objects.filter(pk__in=ids).update(
            state=State.QUEUED, attempts=0, next_attempt_at=now, dispatched_at=now, claimed_at=None, updated_at=now
        )
        for message_id in ids:
            transaction.on_commit(lambda message_id=message_id: dispatch(message_id=message_id))
    return len(ids), refused


def cancel(*, message_ids):
    """Stop messages that have not left yet (queued or retrying). Returns how many."""
    now = timezone.now()
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update().filter(pk__in=message_ids, state__in=CLAIMABLE).order_by("pk")
        )
        for message in messages:
            message.state, message.dispatched_at, message.updated_at = State.CANCELLED, None, now
            message.context = scrubbed_context(message) or message.context
        OutboxMessage.objects.bulk_update(messages, ["state", "dispatched_at", "updated_at", "context"])
        return len(messages)


def resend_one(*, message_id):
    count, refused = _resend([message_id])
    if refused:
        raise refused[0]
    if not count:
        raise NotificationError(
            _("Only failed or cancelled messages can be sent again."), code="outbox_not_resendable", status=409
        )


def cancel_one(*, message_id):
    if not cancel(message_ids=[message_id]):
        raise NotificationError(
            _("Only queued or retrying messages can be cancelled."), code="outbox_not_cancellable", status=409
        )


# --- personal links in the context --------------------------------------------------------------

# Stands in for a secret link once the message has left (or will never leave) the outbox.
REDACTED_LINK = "[personal link removed after sending]"


def personal_link_keys(kind):
    """The context keys of a message of ``kind`` that hold a secret link, as the app that sends it
    answers ``signals.personal_link_keys`` (none for a kind no app claims)."""
    keys = []
    for answer in signals.answers(signals.personal_link_keys, kind=kind):
        keys.extend(key for key in answer if key not in keys)
    return tuple(keys)


def _renewed_links(message):
    fresh = {}
    for answer in signals.answers(signals.personal_links_renewed, message=message):
        fresh.update(answer)
    return fresh


def scrubbed_context(message):
    """The context without its personal links, or None when there is nothing to remove."""
    keys = personal_link_keys(message.kind)
    context = message.context if isinstance(message.context, dict) else {}
    if not keys:
        return None
    secret = [key for key in keys if context.get(key) and context[key] != REDACTED_LINK]
    if not secret:
        return None
    return {**context, **dict.fromkeys(secret, REDACTED_LINK)}


def refreshed_context(message):
    """The context with fresh links where they were removed, or None when nothing was removed."""
    context = message.context if isinstance(message.context, dict) else {}
    removed = [key for key in personal_link_keys(message.kind) if context.get(key) == REDACTED_LINK]
    if not removed:
        return None
    try:
        fresh = _renewed_links(message)
    except DomainError as exc:
        raise NotificationError(
            _("This message cannot be sent again: %(reason)s") % {"reason": exc.message},
            code="outbox_link_not_renewable",
            status=409,
        ) from exc
    missing = [key for key in removed if not fresh.get(key)]
    if missing:
        raise NotificationError(
            _("This message cannot be sent again: its personal link cannot be renewed."),
            code="outbox_link_not_renewable",
            status=409,
        )
    return {**context, **{key: fresh[key] for key in removed}}
