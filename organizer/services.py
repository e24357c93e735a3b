"""Writes that combine several domains: the organizers' daily digest."""

import datetime
import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.permissions import organizer_recipients
from forum.selectors import current_forum
from notifications import selectors as outbox
from notifications.services import enqueue

from . import selectors


def send_organizer_digest(*, now=None):
    """Queue today's digest for every organizer, each in their own language (``core.accounts``):
    new registrations, invitation answers and failed messages of the last 24 hours, and the
    current edition's panels in conflict now. Idempotent per organizer and forum-local day (dedupe
    key), so a second run, or a second beat process, adds nothing. Returns the messages (new or
    existing)."""
    now = now or timezone.now()
    forum = current_forum()
    tz = forum.tz if forum else zoneinfo.ZoneInfo(settings.FORUM_DEFAULT_TIMEZONE)
    day = now.astimezone(tz).date()
    since = now - datetime.timedelta(days=1)
    context = {
        "date": day.isoformat(),
        "counts": selectors.digest_counts(since=since, until=now),
        "failed_kinds": outbox.failed_kinds(since=since, until=now),
        "outbox_url": settings.SITE_URL + reverse("notifications:outbox") + "?state=failed",
    }
    if forum is not None:
        context["forum_id"] = forum.pk
        context["schedule_conflicts"] = selectors.schedule_conflicts(forum=forum)
        context["schedule_url"] = settings.SITE_URL + reverse("panels:organizer-schedule", args=[forum.slug])
    messages = []
    for address, language in organizer_recipients():
        with translation.override(language):
            day_label = date_format(day, "DATE_FORMAT")
        messages.append(
            enqueue(
                kind="organizer_digest",
                recipient=address,
                language=language,
                context={**context, "day": day_label},
                dedupe_key=f"organizer_digest:{day.isoformat()}:{address.lower()}",
            )
        )
    return messages


# --- signing in: password reset by email -----------------------------------------------------

PASSWORD_RESET_KIND = "organizer_password_reset"  # noqa: S105 - a message kind, not a secret


def password_reset_url(user):
    """A fresh one-time link (Django's token: void once the password changes or after
    PASSWORD_RESET_TIMEOUT) to choose a new password."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("organizer:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL + path, token


def queue_password_reset(*, user, language):
    """Queue the reset link through the outbox like every other message (it is delivered, retried
    and seen by organizers the same way); the link itself is erased from the outbox once sent."""
    import hashlib

    url, token = password_reset_url(user)
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    return enqueue(
        kind=PASSWORD_RESET_KIND,
        recipient=user.email,
        language=language if language in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE,
        context={"user_id": user.pk, "username": user.get_username(), "reset_url": url},
        dedupe_key=f"{PASSWORD_RESET_KIND}:{user.pk}:{digest}",
        related=user,
    )


def fresh_password_reset_link(message):
    """For a resend from the outbox: a new link for the same account (refused when it is gone)."""
    from django.contrib.auth import get_user_model

    from core.errors import DomainError

    user = get_user_model().objects.filter(pk=message.context.get("user_id"), is_active=True).first()
    if user is None:
        raise DomainError("The account no longer exists.", code="account_gone")
    return {"reset_url": password_reset_url(user)[0]}


# --- broadcasts to a segment ------------------------------------------------------------------

BROADCAST_KIND = "organizer_broadcast"


def text_in(texts, language):
    """The text in ``language``, else in the default language, else in any language written."""
    return (
        (texts.get(language) or "").strip()
        or (texts.get(settings.LANGUAGE_CODE) or "").strip()
        or next((value.strip() for value in texts.values() if value and value.strip()), "")
    )


def broadcast_message(*, forum, subject, body, person):
    """(language, context) of the message one person gets: their language when the text was
    written in it, else the default language's text."""
    language = person["language"] if person["language"] in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE
    if not (subject.get(language) or "").strip() or not (body.get(language) or "").strip():
        language = settings.LANGUAGE_CODE
    context = {
        "forum_id": forum.pk,
        "name": person["name"],
        "subject": text_in(subject, language),
        "body": text_in(body, language),
    }
    return language, context


def send_broadcast(*, forum, audience, filters, subject, body, by=None):
    """Write the broadcast and queue one message per recipient in the same transaction. The dedupe
    key names the broadcast and the address: a recipient gets each broadcast once."""
    from django.db import transaction

    from core.errors import DomainError

    from .models import Broadcast

    if not text_in(subject, settings.LANGUAGE_CODE) or not text_in(body, settings.LANGUAGE_CODE):
        raise DomainError(_("Write a subject and a text."), code="invalid", fields={"subject": ["required"]})
    people = selectors.segment_recipients(forum=forum, audience=audience, filters=filters)
    if not people:
        raise DomainError(_("Nobody is in this segment."), code="empty_segment", status=409)
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            forum=forum,
            audience=audience,
            filters=filters,
            subject=subject,
            body=body,
            recipient_count=len(people),
            created_by=by if by is not None and by.is_authenticated else None,
        )
        for person in people:
            language, context = broadcast_message(forum=forum, subject=subject, body=body, person=person)
            enqueue(
                kind=BROADCAST_KIND,
                recipient=person["email"],
                language=language,
                context=context,
                dedupe_key=f"{BROADCAST_KIND}:{broadcast.pk}:{person['email'].strip().lower()}",
                related=broadcast,
            )
    return broadcast
