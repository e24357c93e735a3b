"""Writes and rules of attendee registration: seats, holds, waitlist, confirmation, check-in.

Every change that takes or frees a seat runs in one transaction that first locks the forum row
(``select_for_update``; on SQLite the IMMEDIATE transaction serializes writers). Counting seats and
writing the registration therefore happen as one step per forum, and a freed seat is handed to
the next waitlisted person before the lock is released.
"""

import datetime
import email.utils
import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from core import localtime, locks
from core.forms import parse_id
from core.tokens import new_token
from forum.models import Forum
from notifications.models import OutboxMessage
from notifications.services import enqueue
from panels.links import panel_url

from .errors import RegistrationError
from .models import (
    AccessToken,
    Category,
    CategoryQuota,
    DeskRehearsal,
    Registration,
    RegistrationPolicy,
    RehearsalScan,
)
from .selectors import is_forum_day, registration_is_open, seat_usage, waitlist_position

Status = Registration.Status

# Badge codes: 10 symbols from a 32-letter alphabet without look-alikes (0/O, 1/I): 50 random bits,
# short enough to type at the door. Check-in needs staff rights, so the code is not a credential.
BADGE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
BADGE_LENGTH = 10
TOKEN_VALID_AFTER_FORUM = datetime.timedelta(days=30)
RESEND_INTERVAL_SECONDS = 600
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{5,40}$")
NAME_FIELDS = {"first_name": 100, "last_name": 100, "organization": 200, "position": 200}

logger = logging.getLogger(__name__)


@dataclass
class RegisterResult:
    registration: Registration
    created: bool
    token: str | None = None


def new_badge_code():
    return "".join(secrets.choice(BADGE_ALPHABET) for _ in range(BADGE_LENGTH))


def normalize_badge_code(code):
    return re.sub(r"[\s\-]", "", code or "").upper()[:32]


def _now(now):
    return now or timezone.now()


def _lock_forum(forum_id):
    """The forum row, locked for the rest of the transaction; the wait for it is bounded."""
    locks.bound_waits()
    return Forum.objects.select_for_update().get(pk=forum_id)


def _mint_token(registration, now):
    """A fresh personal link for one message; only its hash is kept."""
    raw, token_hash = new_token()
    AccessToken.objects.create(
        registration=registration,
        token_hash=token_hash,
        expires_at=max(registration.forum.ends_at + TOKEN_VALID_AFTER_FORUM, now + datetime.timedelta(days=1)),
    )
    return raw


def manage_url(token):
    return settings.SITE_URL + reverse("registration:manage", kwargs={"token": token})


def confirm_url(token):
    return settings.SITE_URL + reverse("registration:confirm", kwargs={"token": token})


LINK_KINDS = (
    "registration_confirm_email", "registration_waitlisted", "registration_confirmed", "registration_promoted",
    "registration_day_before", "registration_panel_changed", "registration_link",
)  # fmt: skip
LINK_KEYS = ("manage_url", "confirm_url")


def fresh_message_links(message, now=None):
    """Outbox hook (answers ``notifications.signals.personal_links_renewed``): new personal links for
    the registration of a message whose links were erased after sending, so it can be resent."""
    now = _now(now)
    registration = (
        Registration.objects.select_related("forum").filter(pk=(message.context or {}).get("registration_id")).first()
    )
    if registration is None or registration.anonymized_at:
        raise RegistrationError(_("The registration no longer exists."), code="unknown_registration", status=409)
    token = _mint_token(registration, now)
    return {"manage_url": manage_url(token), "confirm_url": confirm_url(token)}


def local_time(forum, value):
    """A forum-local date and time with its zone, in the active language's format."""
    return localtime.format_datetime(value, forum.tz, with_zone=True)


def _local_time_for(registration):
    """The seat-hold deadline written in the attendee's own language and the forum's zone."""
    with translation.override(registration.language):
        return local_time(registration.forum, registration.hold_expires_at)


def _forum_text(forum, field, language):
    return getattr(forum, f"{field}_{language}", None) or getattr(forum, f"{field}_az", "") or getattr(forum, field)


def _person_context(registration):
    """What every message to an attendee says about them and the edition, in their language."""
    forum = registration.forum
    language = registration.language
    return {
        "registration_id": registration.pk,
        "forum_id": forum.pk,
        "first_name": registration.first_name,
        "full_name": registration.full_name,
        "forum_name": _forum_text(forum, "name", language),
        "forum_city": _forum_text(forum, "city", language),
        "forum_venue": _forum_text(forum, "venue", language),
        "forum_start": forum.start_date.strftime("%d.%m.%Y"),
        "forum_end": forum.end_date.strftime("%d.%m.%Y"),
        "forum_opens_at": forum.day_opens_at.strftime("%H:%M"),
        "forum_timezone": forum.timezone,
    }


def _message_context(registration, token, now):
    context = {
        **_person_context(registration),
        "status": registration.status,
        "badge_code": registration.badge_code_display,
        "manage_url": manage_url(token),
    }
    if registration.status == Status.PENDING:
        context["confirm_url"] = confirm_url(token)
        context["hold_expires_at"] = _local_time_for(registration)
    if registration.status == Status.WAITLISTED:
        context["waitlist_position"] = waitlist_position(registration=registration)
    return context


def _badge_attachments(registration):
    return [
        {"builder": "registration.badges.badge_attachment", "kwargs": {"registration_id": registration.pk}},
        {"builder": "registration.badges.ics_attachment", "kwargs": {"registration_id": registration.pk}},
    ]


KIND_FOR_STATUS = {
    Status.PENDING: "registration_confirm_email",
    Status.WAITLISTED: "registration_waitlisted",
    Status.CONFIRMED: "registration_confirmed",
}


def _send(registration, *, kind, dedupe_key, now, token=None):
    """Queue one message about ``registration`` in the current transaction.

    The raw token is known only here (the database keeps its hash), so the link goes into the
    message's context; callers pass the token the person just used, or a fresh one is minted.
    """
    token = token or _mint_token(registration, now)
    attachments = _badge_attachments(registration) if kind == "registration_confirmed" else ()
    return enqueue(
        kind=kind,
        recipient=registration.email,
        language=registration.language,
        context=_message_context(registration, token, now),
        dedupe_key=dedupe_key,
        related=registration,
        attachments=attachments,
    )


# Messages about a registration that has ended (cancelled, or a hold that expired). They carry no
# personal link: the manage page of a cancelled registration only says so and links to the public
# form, which the message links to directly. One message per registration and kind (dedupe key).
NOTICE_KINDS = {
    Registration.CancelReason.ATTENDEE: "registration_cancelled",
    Registration.CancelReason.ORGANIZER: "registration_cancelled_by_organizer",
    Registration.CancelReason.EXPIRED: "registration_hold_expired",
}


def register_url(forum):
    return settings.SITE_URL + reverse("registration:register", kwargs={"slug": forum.slug})


def contact_email():
    """Where people reach the organizers: the address mail comes from (replies reach them)."""
    return email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _send_ended_notice(registration, now):
    """Queue the message telling the person their registration ended, in the current transaction.

    Anonymized registrations get nothing. The link to register again is included only while the
    edition's registration is open."""
    kind = NOTICE_KINDS.get(registration.cancel_reason)
    if kind is None or registration.anonymized_at:
        return None
    forum = registration.forum
    context = {
        **_person_context(registration),
        "register_url": register_url(forum) if registration_is_open(forum=forum, now=now) else "",
        "contact_email": contact_email(),
    }
    if kind == "registration_hold_expired" and registration.hold_expires_at:
        context["hold_expires_at"] = _local_time_for(registration)
    return enqueue(
        kind=kind,
        recipient=registration.email,
        language=registration.language,
        context=context,
        dedupe_key=f"registration:{registration.pk}:{kind.removeprefix('registration_')}",
        related=registration,
    )


def _resend_link(registration, now):
    """Send the person's link again, at most once per interval whatever the number of requests."""
    kind = KIND_FOR_STATUS.get(registration.status)
    if kind is None:
        return None
    bucket = int(now.timestamp()) // RESEND_INTERVAL_SECONDS
    key = f"registration:{registration.pk}:resend:{bucket}"
    if OutboxMessage.objects.filter(dedupe_key=key).exists():
        return None
    return _send(registration, kind=kind, dedupe_key=key, now=now)


def _hold_until(forum, now, minutes):
    until = now + datetime.timedelta(minutes=minutes)
    if forum.starts_at > now:
        until = min(until, forum.starts_at)
    return until


# --- input -------------------------------------------------------------------------------------


def _clean_input(*, forum, data):
    """Check and normalise what a person submitted; raise one error listing every bad field."""
    errors = {}
    cleaned = {}
    for field, limit in NAME_FIELDS.items():
        value = " ".join(str(data.get(field) or "").split())
        if not value:
            errors[field] = [_("This field is required.")]
        elif len(value) > limit:
            errors[field] = [_("Use at most %(limit)d characters.") % {"limit": limit}]
        cleaned[field] = value
    email = str(data.get("email") or "").strip()
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    cleaned["email"] = email
    country = str(data.get("country") or "").strip().upper()
    if country not in dict(countries):
        errors["country"] = [_("Choose a country from the list.")]
    cleaned["country"] = country
    category = str(data.get("category") or "")
    if category not in Category.values:
        errors["category"] = [_("Choose a category from the list.")]
    cleaned["category"] = category
    language = str(data.get("language") or settings.LANGUAGE_CODE)
    if language not in settings.LANGUAGE_CODES:
        errors["language"] = [_("Choose a language from the list.")]
    cleaned["language"] = language
    phone = str(data.get("phone") or "").strip()
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = [_("Enter a phone number with digits, spaces and an optional leading +.")]
    cleaned["phone"] = phone
    if data.get("consent") is not True:
        errors["consent"] = [_("Registration needs your consent to the terms and to the processing of your data.")]
    panel_ids = []
    for value in data.get("panel_ids") or ():
        number = parse_id(value)
        if number is None:
            errors["panels"] = [_("Choose panels from the list.")]
        else:
            panel_ids.append(number)
    if panel_ids and "panels" not in errors:
        from panels.models import Panel

        found = set(
            Panel.objects.filter(forum=forum, pk__in=panel_ids, status=Panel.Status.PUBLISHED).values_list(
                "pk", flat=True
            )
        )
        if found != set(panel_ids):
            errors["panels"] = [_("Choose panels from the list.")]
    cleaned["panel_ids"] = sorted(set(panel_ids))
    if errors:
        first = next(iter(errors.values()))[0]
        message = first if len(errors) == 1 else _("Please correct the highlighted fields.")
        raise RegistrationError(message, code="invalid", fields=errors)
    return cleaned


# --- registration ------------------------------------------------------------------------------


def register(*, forum, now=None, **data):
    """Register a person for ``forum``: a held seat awaiting email confirmation, or the waitlist.

    ``data`` holds first_name, last_name, email, organization, position, country, category,
    language, phone, consent (True), panel_ids. The same email (any case) while a registration is
    active gets its link sent again and the same outcome a new person would see, so the answer
    never tells whether someone registered.
    """
    now = _now(now)
    cleaned = _clean_input(forum=forum, data=data)
    error = None
    try:
        with locks.busy_as_domain_error(), transaction.atomic():
            forum = _lock_forum(forum.pk)
            if not registration_is_open(forum=forum, now=now):
                raise RegistrationError(
                    _("Registration for this edition is not open."), code="registration_closed", status=409
                )
            _promote(forum, now)
            existing = _active_registration(forum, cleaned["email"])
            has_seat = _has_seat(forum, cleaned["category"], now)
            if not has_seat and _waitlist_full(forum):
                error = RegistrationError(
                    _("This edition is full and its waitlist is closed."), code="forum_full", status=409
                )
            if existing is not None:
                _resend_link(existing, now)
                result = RegisterResult(registration=existing, created=False)
            elif error is None:
                result = _create(forum, cleaned, now, has_seat)
    except IntegrityError as exc:
        constraint = _violated_constraint(exc)
        if constraint != ONE_ACTIVE_PER_EMAIL:
            # Not the person's doing (a foreign key, a check): a fault to see, not a "duplicate".
            logger.error("registration failed on database constraint %s", constraint)
            raise
        # Only reachable without the lock (or on a racing duplicate): the unique constraint held.
        logger.warning("registration refused as a duplicate (constraint %s)", constraint)
        raise RegistrationError(
            _("This registration was just submitted. Check your email."), code="duplicate", status=409
        ) from None
    if error is not None:
        raise error
    return result


ONE_ACTIVE_PER_EMAIL = "registration_one_active_per_email"


def _active_registration(forum, email):
    """The registration ``email`` holds at ``forum`` unless cancelled, or None.

    The same person is the same address as the unique constraint folds it (LOWER), not as
    ``iexact`` does (UPPER): the two disagree on a few letters a valid address may hold (the Kelvin
    sign U+212A lowers to "k" but stays itself in upper case), and a lookup that misses what the
    constraint sees turns a second sign-up into a refused insert instead of the link sent again."""
    return (
        Registration.objects.select_related("forum")
        .alias(email_key=Lower("email"))
        .filter(forum=forum, email_key=Lower(Value(email)))
        .exclude(status=Status.CANCELLED)
        .first()
    )


def _violated_constraint(exc):
    """The name of the constraint an IntegrityError reports (PostgreSQL), or its message."""
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name
    return ONE_ACTIVE_PER_EMAIL if ONE_ACTIVE_PER_EMAIL in str(exc) else str(exc)


def _has_seat(forum, category, now):
    taken, by_category = seat_usage(forum=forum, now=now)
    if taken >= forum.capacity:
        return False
    quota = CategoryQuota.objects.filter(forum=forum, category=category).values_list("seats", flat=True).first()
    return quota is None or by_category.get(category, 0) < quota


def _waitlist_full(forum):
    limit = RegistrationPolicy.objects.filter(forum=forum).values_list("waitlist_limit", flat=True).first()
    if limit is None:
        return False
    return Registration.objects.filter(forum=forum, status=Status.WAITLISTED).count() >= limit


def _create(forum, cleaned, now, has_seat):
    panel_ids = cleaned.pop("panel_ids")
    registration = Registration(forum=forum, consent=True, consent_at=now, badge_code=new_badge_code(), **cleaned)
    if has_seat:
        registration.status = Status.PENDING
        registration.hold_expires_at = _hold_until(forum, now, settings.REGISTRATION_HOLD_MINUTES)
    else:
        registration.status = Status.WAITLISTED
        registration.waitlisted_at = now
    with transaction.atomic():
        registration.save()
    if panel_ids:
        registration.panels.set(panel_ids)
    token = _mint_token(registration, now)
    if has_seat:
        _send(
            registration,
            kind="registration_confirm_email",
            dedupe_key=f"registration:{registration.pk}:confirm_email",
            now=now,
            token=token,
        )
    else:
        _send(
            registration,
            kind="registration_waitlisted",
            dedupe_key=f"registration:{registration.pk}:waitlisted",
            now=now,
            token=token,
        )
    return RegisterResult(registration=registration, created=True, token=token)


def _access(token, now):
    from .selectors import access_for_token

    access = access_for_token(token=token)
    if access is None or access.registration.anonymized_at:
        raise RegistrationError(_("This link is not valid."), code="unknown_link", status=404)
    if access.expires_at <= now:
        raise RegistrationError(_("This link has expired."), code="link_expired", status=410)
    return access


def confirm(*, token, now=None):
    """Confirm the email of a registration holding a seat; the seat becomes the person's.

    Confirming twice is harmless. A hold that has expired is released here (and its seat offered
    to the waitlist) and the person is told the link expired.
    """
    now = _now(now)
    access = _access(token, now)
    error = None
    with locks.busy_as_domain_error(), transaction.atomic():
        _lock_forum(access.registration.forum_id)
        registration = Registration.objects.select_for_update().select_related("forum").get(pk=access.registration_id)
        if registration.status == Status.CONFIRMED:
            return registration
        if registration.status == Status.WAITLISTED:
            raise RegistrationError(
                _("You are on the waitlist. We will email you as soon as a seat is free."),
                code="still_waitlisted",
                status=409,
            )
        if registration.status == Status.CANCELLED:
            if registration.cancel_reason == Registration.CancelReason.EXPIRED:
                raise RegistrationError(_expired_message(), code="hold_expired", status=410)
            raise RegistrationError(_("This registration was cancelled."), code="cancelled", status=409)
        if registration.hold_expires_at <= now:
            _expire([registration], now)
            _promote(registration.forum, now)
            error = RegistrationError(_expired_message(), code="hold_expired", status=410)
        else:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
            registration.hold_expires_at = None
            registration.save(update_fields=["status", "confirmed_at", "hold_expires_at", "updated_at"])
            _send(
                registration,
                kind="registration_confirmed",
                dedupe_key=f"registration:{registration.pk}:confirmed",
                now=now,
                token=token,
            )
    if error is not None:
        raise error
    return registration


def _expired_message():
    return _(
        "The time to confirm this registration has passed and the seat went to someone else. You can register again."
    )


def cancel(*, token, now=None):
    """Cancel a registration by its owner; a seat it held goes to the next person waiting."""
    now = _now(now)
    access = _access(token, now)
    with locks.busy_as_domain_error(), transaction.atomic():
        forum = _lock_forum(access.registration.forum_id)
        registration = Registration.objects.select_for_update().select_related("forum").get(pk=access.registration_id)
        if registration.status == Status.CANCELLED:
            return registration
        if registration.checked_in_at:
            raise RegistrationError(
                _("You have already been checked in; this registration can no longer be cancelled."),
                code="checked_in",
                status=409,
            )
        registration.status = Status.CANCELLED
        registration.cancel_reason = Registration.CancelReason.ATTENDEE
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
        _send_ended_notice(registration, now)
        _promote(forum, now)
    return registration


def cancel_by_organizer(*, registration_id, forum=None, by=None, now=None):
    """Cancel a registration on the organizers' side (a duplicate, a no-show announced by phone).

    The seat it held goes to the next person waiting, in the same locked transaction. Cancelling
    twice is harmless; a person already checked in cannot be cancelled. ``forum`` (when given)
    must be the registration's edition, so a staff page of one edition cannot reach another's."""
    now = _now(now)
    row = Registration.objects.filter(pk=registration_id).values("forum_id").first()
    if row is None or (forum is not None and row["forum_id"] != forum.pk):
        raise RegistrationError(_("No such registration."), code="not_found", status=404)
    with locks.busy_as_domain_error(), transaction.atomic():
        locked_forum = _lock_forum(row["forum_id"])
        registration = Registration.objects.select_for_update().select_related("forum").get(pk=registration_id)
        if registration.status == Status.CANCELLED:
            return registration
        if registration.checked_in_at:
            raise RegistrationError(
                _("%(name)s has already been checked in; this registration can no longer be cancelled.")
                % {"name": registration.full_name},
                code="checked_in",
                status=409,
            )
        registration.status = Status.CANCELLED
        registration.cancel_reason = Registration.CancelReason.ORGANIZER
        registration.cancelled_at = now
        registration.hold_expires_at = None
        registration.save(update_fields=["status", "cancel_reason", "cancelled_at", "hold_expires_at", "updated_at"])
        _send_ended_notice(registration, now)
        _promote(locked_forum, now)
    return registration


def cancel_many_by_organizer(*, registration_ids, by=None, now=None):
    """Cancel a confirmed selection one registration at a time (each in its own locked
    transaction, as ``cancel_by_organizer``). Returns ``(cancelled, refused)``: the registrations
    this cancelled (those cancelled before are left out) and the errors of those that could not
    be (checked in, gone)."""
    cancelled, refused = [], []
    ids = set(registration_ids)
    ids -= set(Registration.objects.filter(pk__in=ids, status=Status.CANCELLED).values_list("pk", flat=True))
    for registration_id in sorted(ids):
        try:
            cancelled.append(cancel_by_organizer(registration_id=registration_id, by=by, now=now))
        except RegistrationError as error:
            refused.append(error)
    return cancelled, refused


ORGANIZER_RESEND_SECONDS = 60


def _organizer_registration(registration_id, forum):
    row = Registration.objects.filter(pk=registration_id).values("forum_id").first()
    if row is None or (forum is not None and row["forum_id"] != forum.pk):
        raise RegistrationError(_("No such registration."), code="not_found", status=404)
    return row["forum_id"]


def resend_link_by_organizer(*, registration_id, forum=None, now=None):
    """Send the person their personal link again (the message of their current state, with a
    fresh link). Double clicks within a minute send one message."""
    now = _now(now)
    _organizer_registration(registration_id, forum)
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("forum").get(pk=registration_id)
        kind = KIND_FOR_STATUS.get(registration.status)
        if kind is None or registration.anonymized_at:
            raise RegistrationError(
                _("A cancelled or anonymized registration has no personal link to send."), code="no_link", status=409
            )
        bucket = int(now.timestamp()) // ORGANIZER_RESEND_SECONDS
        key = f"registration:{registration.pk}:organizer_resend:{bucket}"
        return _send(registration, kind=kind, dedupe_key=key, now=now)


def change_category(*, registration_id, category, forum=None, by=None, now=None):
    """Move a registration to another category. A seat already held must fit the new category's
    quota; the seat it frees in the old category goes to the next person waiting."""
    now = _now(now)
    forum_id = _organizer_registration(registration_id, forum)
    if category not in Category.values:
        raise RegistrationError(_("Choose a category from the list."), code="invalid", fields={"category": ["invalid"]})
    with transaction.atomic():
        locked_forum = _lock_forum(forum_id)
        registration = Registration.objects.select_for_update().select_related("forum").get(pk=registration_id)
        if registration.category == category:
            return registration
        if registration.status == Status.CANCELLED:
            raise RegistrationError(_("This registration is cancelled."), code="cancelled", status=409)
        holds_seat = registration.status == Status.CONFIRMED or (
            registration.status == Status.PENDING
            and registration.hold_expires_at
            and registration.hold_expires_at > now
        )
        if holds_seat:
            quota = CategoryQuota.objects.filter(forum_id=forum_id, category=category).values_list("seats", flat=True)
            quota = quota.first()
            _taken, by_category = seat_usage(forum=locked_forum, now=now)
            if quota is not None and by_category.get(category, 0) >= quota:
                raise RegistrationError(
                    _("The quota of %(category)s is full.") % {"category": Category(category).label},
                    code="quota_full",
                    status=409,
                    fields={"category": ["quota_full"]},
                )
        registration.category = category
        registration.save(update_fields=["category", "updated_at"])
        _promote(locked_forum, now)
    return registration


def check_in_by_organizer(*, registration_id, forum, by=None, now=None):
    """Check a person in from their registration page (a badge left at home): the desk's rules."""
    _organizer_registration(registration_id, forum)
    code = Registration.objects.filter(pk=registration_id).values_list("badge_code", flat=True).first()
    return check_in(forum=forum, code=code, by=by, now=now)


def _expire(registrations, now):
    """Release expired holds and tell each person (inside the caller's locked transaction)."""
    for registration in registrations:
        registration.status = Status.CANCELLED
        registration.cancel_reason = Registration.CancelReason.EXPIRED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
        _send_ended_notice(registration, now)


def _promote(forum, now):
    """Give free seats to waitlisted people in order (skipping those whose category quota is
    full). Must run inside the transaction that holds the forum lock."""
    if now >= forum.starts_at:
        return []
    taken, by_category = seat_usage(forum=forum, now=now)
    free = forum.capacity - taken
    if free <= 0:
        return []
    waiting = Registration.objects.filter(forum=forum, status=Status.WAITLISTED)
    if not waiting.exists():
        return []
    quotas = dict(CategoryQuota.objects.filter(forum=forum).values_list("category", "seats"))
    promoted = []
    for registration in waiting.select_related("forum").order_by("waitlisted_at", "id").iterator(chunk_size=200):
        if free <= 0:
            break
        quota = quotas.get(registration.category)
        if quota is not None and by_category.get(registration.category, 0) >= quota:
            continue
        registration.status = Status.PENDING
        registration.hold_expires_at = _hold_until(forum, now, settings.REGISTRATION_PROMOTION_HOLD_MINUTES)
        registration.save(update_fields=["status", "hold_expires_at", "updated_at"])
        by_category[registration.category] = by_category.get(registration.category, 0) + 1
        free -= 1
        _send(
            registration, kind="registration_promoted", dedupe_key=f"registration:{registration.pk}:promoted", now=now
        )
        promoted.append(registration)
    return promoted


def expire_holds(*, now=None):
    """Release every seat whose confirmation deadline passed and promote from the waitlist.

    Returns the number of holds released. Forums are locked one at a time in id order."""
    now = _now(now)
    forum_ids = sorted(
        set(
            Registration.objects.filter(status=Status.PENDING, hold_expires_at__lte=now)
            .values_list("forum_id", flat=True)
            .distinct()
        )
    )
    released = 0
    for forum_id in forum_ids:
        with locks.busy_as_domain_error(), transaction.atomic():
            forum = _lock_forum(forum_id)
            expired = list(
                Registration.objects.select_for_update(of=("self",))
                .select_related("forum")  # the notice names the forum (already locked above)
                .filter(forum=forum, status=Status.PENDING, hold_expires_at__lte=now)
            )
            _expire(expired, now)
            _promote(forum, now)
            released += len(expired)
    return released


def promote_waitlist(*, forum=None, now=None):
    """Hand free seats to the waitlist of one forum, or of every forum with people waiting."""
    now = _now(now)
    if forum is not None:
        forum_ids = [forum.pk]
    else:
        forum_ids = sorted(
            set(Registration.objects.filter(status=Status.WAITLISTED).values_list("forum_id", flat=True).distinct())
        )
    promoted = 0
    for forum_id in forum_ids:
        with locks.busy_as_domain_error(), transaction.atomic():
            promoted += len(_promote(_lock_forum(forum_id), now))
    return promoted


def send_day_before_reminders(*, now=None):
    """Remind confirmed attendees of an edition that starts tomorrow (forum-local date).

    The dedupe key makes it one reminder per registration however often this runs."""
    now = _now(now)
    utc_today = now.date()
    forums = Forum.objects.filter(
        status=Forum.Status.PUBLISHED,
        start_date__range=(utc_today, utc_today + datetime.timedelta(days=2)),
    )
    queued = 0
    for forum in forums:
        if forum.start_date != now.astimezone(forum.tz).date() + datetime.timedelta(days=1):
            continue
        registrations = list(
            Registration.objects.filter(forum=forum, status=Status.CONFIRMED, anonymized_at__isnull=True)
            .select_related("forum")
            .order_by("id")
        )
        keys = {registration.pk: f"registration:{registration.pk}:day_before" for registration in registrations}
        sent = set(OutboxMessage.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True))
        for registration in registrations:
            if keys[registration.pk] in sent:
                continue
            with transaction.atomic():
                _send(registration, kind="registration_day_before", dedupe_key=keys[registration.pk], now=now)
            queued += 1
    return queued


# --- panels of interest and the personal agenda ------------------------------------------------

MAX_PANELS_OF_INTEREST = 200


def _parse_panel_ids(values):
    """A set of panel ids from a list of numbers (or digit strings, as a form posts them)."""
    message = _("Choose panels from the list.")
    if values is None:
        values = ()
    elif isinstance(values, str | int):
        values = [values]
    elif not isinstance(values, list | tuple | set | frozenset):
        raise RegistrationError(message, code="invalid", fields={"panels": [message]})
    ids = set()
    for value in values:
        number = parse_id(value)  # plain ASCII digits within a key's range (core/forms.py)
        if number is None:
            raise RegistrationError(message, code="invalid", fields={"panels": [message]})
        ids.add(number)
    if len(ids) > MAX_PANELS_OF_INTEREST:
        message = _("Choose at most %(limit)d panels.") % {"limit": MAX_PANELS_OF_INTEREST}
        raise RegistrationError(message, code="invalid", fields={"panels": [message]})
    return ids


def set_panels_of_interest(*, token, panel_ids, now=None):
    """Replace the panels a person chose with ``panel_ids`` (every one must be in the edition's
    public program: published, or cancelled after publication). All or nothing: one unknown id
    refuses the whole choice and nothing is written. Setting the same choice again changes
    nothing. Cancelled registrations keep their choice as it was."""
    from panels.models import Panel
    from panels.selectors import public_panel_filter

    now = _now(now)
    access = _access(token, now)
    ids = _parse_panel_ids(panel_ids)
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("forum").get(pk=access.registration_id)
        if registration.anonymized_at:
            raise RegistrationError(_("This link is not valid."), code="unknown_link", status=404)
        if registration.status == Status.CANCELLED:
            raise RegistrationError(
                _("This registration is cancelled, so its panels can no longer be changed."),
                code="cancelled",
                status=409,
            )
        if ids:
            found = set(
                Panel.objects.filter(public_panel_filter(), forum_id=registration.forum_id, pk__in=ids).values_list(
                    "pk", flat=True
                )
            )
            unknown = sorted(ids - found)
            if unknown:
                message = _("These panels are not in the public program of %(forum)s: %(ids)s.") % {
                    "forum": registration.forum.name,
                    "ids": ", ".join(str(pk) for pk in unknown),
                }
                raise RegistrationError(message, code="unknown_panels", fields={"panels": [message]})
        current = set(registration.panels.values_list("pk", flat=True))
        if current != ids:
            registration.panels.set(ids)
            registration.save(update_fields=["updated_at"])
    return registration


def star_panel(*, access_id, panel_id, starred, now=None):
    """Add a panel to (``starred``) or take it from the agenda of the registration that personal
    link ``access_id`` opens (the program's star; the same relation as ``set_panels_of_interest``).
    Refused with the reason for an expired or unknown link, a cancelled registration, a panel not in
    the edition's public program, or one panel too many."""
    from panels.models import Panel
    from panels.selectors import public_panel_filter

    now = _now(now)
    access = AccessToken.objects.select_related("registration").filter(pk=access_id).first()
    if access is None or access.registration.anonymized_at:
        raise RegistrationError(_("This link is not valid."), code="unknown_link", status=404)
    if access.expires_at <= now:
        raise RegistrationError(_("This link has expired."), code="link_expired", status=410)
    (panel_number,) = _parse_panel_ids([panel_id])
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("forum").get(pk=access.registration_id)
        if registration.status == Status.CANCELLED:
            raise RegistrationError(
                _("This registration is cancelled, so its panels can no longer be changed."),
                code="cancelled",
                status=409,
            )
        panel = Panel.objects.filter(public_panel_filter(), forum_id=registration.forum_id, pk=panel_number).first()
        if panel is None:
            message = _("This panel is not in the public program of %(forum)s.") % {"forum": registration.forum.name}
            raise RegistrationError(message, code="unknown_panels", status=404)
        chosen = registration.panels.filter(pk=panel.pk).exists()
        if starred and not chosen:
            if registration.panels.count() >= MAX_PANELS_OF_INTEREST:
                message = _("Choose at most %(limit)d panels.") % {"limit": MAX_PANELS_OF_INTEREST}
                raise RegistrationError(message, code="invalid", fields={"panels": [message]})
            registration.panels.add(panel)
        elif chosen and not starred:
            registration.panels.remove(panel)
        else:
            return registration, panel
        registration.save(update_fields=["updated_at"])
    return registration, panel


# Registrations told about a change to a panel they chose: those that hold or may hold a seat.
# Everyone who may still come: the waitlisted too, since a seat may free up for them.
PANEL_CHANGE_STATUSES = (Status.CONFIRMED, Status.PENDING, Status.WAITLISTED)


def _panel_change_texts(panel, change, before, language):
    """What the message says about the panel, in one language (titles and rooms are translated)."""
    from panels.conflicts import local_when

    forum = panel.forum
    with translation.override(language):
        after = None
        if change == "moved":
            after = {"when": local_when(panel.start, panel.end, forum.tz), "room": panel.room.name}
        room = before.get("room")
        return {
            "change": change,
            "panel_id": panel.pk,
            "title": panel.title,
            "before": {"when": before.get("when"), "room": room.name if room else None},
            "after": after,
            "timezone": forum.timezone,
            "panel_url": panel_url(panel),
        }


def panel_change_audience(sender, *, panel, **kwargs):
    """Receiver of ``panels.signals.change_audience``: how many attendees ``notify_panel_change``
    would write to about this panel."""
    count = Registration.objects.filter(
        panels=panel, status__in=PANEL_CHANGE_STATUSES, anonymized_at__isnull=True
    ).count()
    return {"attendees": count}


def notify_panel_change(*, panel, change, before, schedule_change, now=None):
    """Queue one 'registration_panel_changed' message to each active attendee who chose ``panel``
    (confirmed, pending or waitlisted; not anonymized), in their language, in the caller's
    transaction.

    The receiver of ``panels.signals.public_panel_changed``: panels send it when a
    published panel is moved, taken out of the program or cancelled. ``change`` is "moved",
    "unscheduled" or "cancelled"; ``before`` what the public saw. The dedupe key names the
    registration, the panel and the schedule change, so each change reaches each person once and
    a second change is a second message. Returns the number of messages queued."""
    now = _now(now)
    registrations = list(
        Registration.objects.filter(panels=panel, status__in=PANEL_CHANGE_STATUSES, anonymized_at__isnull=True)
        .select_related("forum")
        .order_by("id")
    )
    texts = {}
    queued = 0
    for registration in registrations:
        key = f"registration:{registration.pk}:panel_changed:{panel.pk}:{schedule_change.pk}"
        language = registration.language if registration.language in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE
        if language not in texts:
            texts[language] = _panel_change_texts(panel, change, before, language)
        token = _mint_token(registration, now)
        enqueue(
            kind="registration_panel_changed",
            recipient=registration.email,
            language=language,
            context={**_person_context(registration), **texts[language], "manage_url": manage_url(token)},
            dedupe_key=key,
            related=registration,
        )
        queued += 1
    return queued


# --- the registration desk ---------------------------------------------------------------------


@dataclass
class DeskScan:
    """What one scan at the desk did: a real check-in (``rehearsal`` false, the registration's
    ``checked_in_at`` set) or a rehearsal scan kept apart (the registration untouched)."""

    registration: Registration
    rehearsal: bool
    scanned_at: datetime.datetime


def _open_rehearsal(forum, *, lock=False):
    queryset = DeskRehearsal.objects.filter(forum=forum, ended_at__isnull=True)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.first()


def _refuse_outside_forum_days(forum, now):
    if not is_forum_day(forum=forum, now=now):
        raise RegistrationError(
            _(
                "Check-in is open only on the forum's days (%(first)s – %(last)s). To try the desk before, "
                "switch it to rehearsal mode: rehearsal scans never count as attendance."
            )
            % {"first": localtime.format_date(forum.start_date), "last": localtime.format_date(forum.end_date)},
            code="outside_forum_days",
            status=409,
            extra={"first_day": forum.start_date.isoformat(), "last_day": forum.end_date.isoformat()},
        )


def check_in(*, forum, code, by=None, now=None):
    """Scan a badge at the desk. Returns a :class:`DeskScan`.

    On the forum's days (in its zone) the holder of a confirmed registration is marked present,
    once; a second scan is refused with the time of the first one. Outside those days the desk
    refuses, unless it is in rehearsal mode (``start_rehearsal``): then, whatever the day, the scan
    is recorded apart from attendance (once per badge and rehearsal) and the registration is left
    as it is, so no count, report or no-show rate ever sees it."""
    now = _now(now)
    code = normalize_badge_code(code)
    if not code:
        raise RegistrationError(_("Enter a badge code."), code="invalid", fields={"code": [_("Required.")]})
    with transaction.atomic():
        # Locked so that a scan and the end of a rehearsal do not interleave: a scan either lands
        # in the rehearsal before it ends, or is judged by the real desk's rules after.
        rehearsal = _open_rehearsal(forum, lock=True)
        if rehearsal is None:
            _refuse_outside_forum_days(forum, now)
        registration = (
            Registration.objects.select_for_update()
            .select_related("forum")
            .filter(forum=forum, badge_code=code, anonymized_at__isnull=True)
            .first()
        )
        if registration is None:
            raise RegistrationError(_("No registration has this badge code."), code="unknown_badge", status=404)
        if rehearsal is not None:
            return _rehearsal_scan(rehearsal, registration, by=by, now=now)
        if registration.checked_in_at:
            raise RegistrationError(
                _("%(name)s was already checked in at %(time)s.")
                % {"name": registration.full_name, "time": local_time(forum, registration.checked_in_at)},
                code="already_checked_in",
                status=409,
                extra={"checked_in_at": registration.checked_in_at.isoformat(), "name": registration.full_name},
            )
        _refuse_unconfirmed(registration)
        registration.checked_in_at = now
        registration.checked_in_by = _user_or_none(by)
        registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    return DeskScan(registration=registration, rehearsal=False, scanned_at=now)


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def _refuse_unconfirmed(registration):
    if registration.status != Status.CONFIRMED:
        raise RegistrationError(
            _("%(name)s's registration is not confirmed (%(status)s).")
            % {"name": registration.full_name, "status": registration.get_status_display()},
            code="not_confirmed",
            status=409,
        )


def _rehearsal_scan(rehearsal, registration, *, by, now):
    """A rehearsal scan answers as the real desk would (unknown, unconfirmed, scanned twice), but
    writes only a ``RehearsalScan``."""
    earlier = RehearsalScan.objects.filter(rehearsal=rehearsal, registration=registration).first()
    if earlier is not None:
        raise RegistrationError(
            _("Rehearsal: %(name)s was already scanned in this rehearsal at %(time)s.")
            % {"name": registration.full_name, "time": local_time(registration.forum, earlier.scanned_at)},
            code="already_scanned_in_rehearsal",
            status=409,
            extra={"rehearsal": True, "scanned_at": earlier.scanned_at.isoformat(), "name": registration.full_name},
        )
    _refuse_unconfirmed(registration)
    RehearsalScan.objects.create(rehearsal=rehearsal, registration=registration, scanned_at=now,
                                 scanned_by=_user_or_none(by))  # fmt: skip
    return DeskScan(registration=registration, rehearsal=True, scanned_at=now)


def start_rehearsal(*, forum, by=None, now=None):
    """Switch the edition's desk to rehearsal mode (organizers only: the caller checks). Starting
    it again while it runs changes nothing. Returns the open rehearsal."""
    now = _now(now)
    with transaction.atomic():
        current = _open_rehearsal(forum, lock=True)
        if current is not None:
            return current
        try:
            with transaction.atomic():
                return DeskRehearsal.objects.create(forum=forum, started_at=now, started_by=_user_or_none(by))
        except IntegrityError:  # another organizer switched it on at the same moment
            return _open_rehearsal(forum)


def end_rehearsal(*, forum, by=None, now=None):
    """Leave rehearsal mode: the rehearsal and its scans are archived (kept for the record, never
    shown on the desk nor counted again) and the desk takes real check-ins on the forum's days.
    Returns the ended rehearsal, or None when the desk was not rehearsing."""
    now = _now(now)
    with transaction.atomic():
        rehearsal = _open_rehearsal(forum, lock=True)
        if rehearsal is None:
            return None
        rehearsal.ended_at = now
        rehearsal.ended_by = _user_or_none(by)
        rehearsal.save(update_fields=["ended_at", "ended_by"])
    return rehearsal


# --- privacy -----------------------------------------------------------------------------------


def anonymize_registrations(*, forum, now=None):
    """Erase the personal data of an ended edition's registrations, keeping what the counts need
    (status, category, country, language, check-in). Returns how many were anonymized."""
    now = _now(now)
    if now < forum.ends_at:
        raise RegistrationError(
            _("Registrations can be anonymized only after the edition has ended."), code="not_ended", status=409
        )
    with locks.busy_as_domain_error(), transaction.atomic():
        _lock_forum(forum.pk)
        targets = Registration.objects.filter(forum=forum, anonymized_at__isnull=True)
        ids = list(targets.values_list("pk", flat=True))
        if not ids:
            return 0
        Registration.objects.filter(pk__in=ids).update(
            first_name="",
            last_name="",
            email=Concat(Value("anonymized-"), Cast("id", CharField()), Value("@invalid.invalid")),
            organization="",
            position="",
            phone="",
            checked_in_by=None,
            anonymized_at=now,
        )
        AccessToken.objects.filter(registration_id__in=ids).delete()
        OutboxMessage.objects.filter(
            related_type=ContentType.objects.get_for_model(Registration), related_id__in=[str(pk) for pk in ids]
        ).update(recipient="anonymized@invalid.invalid", context={})
    return len(ids)


# --- "email me my link again" --------------------------------------------------------------------


@transaction.atomic
def send_link_again(*, forum, email, now=None):
    """Email a fresh personal link to the attendee registered for ``forum`` with ``email``.

    Says nothing about whether the address is known (the caller answers the same either way);
    at most one such message per registration and hour. Returns the message or None.
    """
    now = now or timezone.now()
    address = (email or "").strip()
    registration = (
        Registration.objects.select_related("forum")
        .filter(forum=forum, email__iexact=address, anonymized_at__isnull=True)
        .exclude(status=Status.CANCELLED)
        .order_by("-pk")
        .first()
    )
    if registration is None:
        return None
    key = f"registration_link:{registration.pk}:{now:%Y%m%d%H}"
    if OutboxMessage.objects.filter(dedupe_key=key).exists():
        return None
    token = _mint_token(registration, now)
    return enqueue(
        kind="registration_link",
        recipient=registration.email,
        language=registration.language,
        context={**_person_context(registration), "manage_url": manage_url(token)},
        dedupe_key=key,
        related=registration,
    )
