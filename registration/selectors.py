"""Reads of registrations that pages, the API and services share."""

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from core.tokens import hash_token
from forum.models import Forum

from .models import AccessToken, Category, CategoryQuota, DeskRehearsal, Registration, RehearsalScan


def registration_is_open(*, forum, now=None):
    """Open when the edition is published and ``now`` is inside its registration window.

    Without a closing time the window closes when the forum opens its doors.
    """
    now = now or timezone.now()
    if forum.status != Forum.Status.PUBLISHED or forum.registration_opens_at is None:
        return False
    closes = forum.registration_closes_at or forum.starts_at
    return forum.registration_opens_at <= now < closes


def seat_holding_q(now):
    """Registrations that consume a seat: confirmed, or pending with a live hold."""
    return Q(status=Registration.Status.CONFIRMED) | Q(status=Registration.Status.PENDING, hold_expires_at__gt=now)


def seat_usage(*, forum, now):
    """(seats taken, {category: seats taken}) in one query."""
    rows = (
        Registration.objects.filter(seat_holding_q(now), forum=forum)
        .values("category")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_category = {row["category"]: row["n"] for row in rows}
    return sum(by_category.values()), by_category


def access_for_token(*, token):
    """The access token row (with its registration and forum) for a raw token, or None."""
    if not token or len(token) > 100:
        return None
    return AccessToken.objects.select_related("registration__forum").filter(token_hash=hash_token(token)).first()


def registration_for_token(*, token, now=None):
    """The registration a valid, unexpired token opens, or None."""
    now = now or timezone.now()
    access = access_for_token(token=token)
    if access is None or access.expires_at <= now or access.registration.anonymized_at:
        return None
    return access.registration


def waitlist_position(*, registration):
    """1-based place in the waitlist, or None when not waitlisted."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, id__lt=registration.id),
        forum_id=registration.forum_id,
        status=Registration.Status.WAITLISTED,
    ).count()
    return ahead + 1


def organizer_registrations(*, forum, search="", status="", category="", country="", checked_in=""):
    """Registrations of an edition for organizers, filtered; order of registration."""
    queryset = Registration.objects.filter(forum=forum).select_related("forum")
    search = (search or "").strip()
    if search:
        query = Q()
        for word in search.split()[:5]:
            query &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(organization__icontains=word)
                | Q(badge_code__iexact=word.replace("-", ""))
            )
        queryset = queryset.filter(query)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if country:
        queryset = queryset.filter(country=country.upper())
    if checked_in == "yes":
        queryset = queryset.filter(checked_in_at__isnull=False)
    elif checked_in == "no":
        queryset = queryset.filter(checked_in_at__isnull=True)
    return queryset.order_by("created_at", "id")


def registration_counts(*, forum, fields=("status", "category", "country")):
    """Counts of an edition's registrations by each of ``fields`` (status, category, country), one
    query per field."""
    base = Registration.objects.filter(forum=forum).order_by()

    def grouped(field):
        return {row[field]: row["n"] for row in base.values(field).annotate(n=Count("id")).order_by("-n", field)}

    return {field: grouped(field) for field in fields}


def checkin_counts(*, forum):
    """``{"confirmed", "present"}``: confirmed registrations and how many of them checked in (one
    query)."""
    return Registration.objects.filter(forum=forum, status=Registration.Status.CONFIRMED).aggregate(
        confirmed=Count("id"), present=Count("id", filter=Q(checked_in_at__isnull=False))
    )


def is_forum_day(*, forum, now=None):
    """Whether ``now`` falls on one of the edition's days, in its own zone (the days the desk
    takes real check-ins)."""
    today = timezone.localtime(now or timezone.now(), forum.tz).date()
    return forum.start_date <= today <= forum.end_date


RECENT_REHEARSAL_SCANS = 10


def desk_state(*, forum, now=None):
    """What the check-in desk shows about its mode (at most three queries whatever the data):
    ``rehearsal`` (the open rehearsal or None), its ``rehearsal_scans`` count and the most recent
    ``recent_scans``, and ``forum_day`` (whether real check-ins are taken today)."""
    rehearsal = DeskRehearsal.objects.filter(forum=forum, ended_at__isnull=True).select_related("started_by").first()
    state = {
        "rehearsal": rehearsal,
        "rehearsal_scans": 0,
        "recent_scans": [],
        "forum_day": is_forum_day(forum=forum, now=now),
    }
    if rehearsal is not None:
        scans = RehearsalScan.objects.filter(rehearsal=rehearsal)
        state["rehearsal_scans"] = scans.count()
        state["recent_scans"] = list(
            scans.select_related("registration").order_by("-scanned_at", "-id")[:RECENT_REHEARSAL_SCANS]
        )
    return state


def category_quotas(*, forum):
    """``{category: seats}`` of the edition's category quotas (one query)."""
    return dict(CategoryQuota.objects.filter(forum=forum).order_by().values_list("category", "seats"))


def registration_window(*, forum, now=None):
    """Where the edition's registration window stands: ``state`` is "open", "upcoming" (opens
    later), "closed" or "unset" (no opening time), with ``opens_at`` and ``closes_at`` (the closing
    time defaults to the forum's first doors, as in ``registration_is_open``)."""
    now = now or timezone.now()
    opens = forum.registration_opens_at
    closes = forum.registration_closes_at or forum.starts_at
    if opens is None:
        state = "unset"
    elif registration_is_open(forum=forum, now=now):
        state = "open"
    elif now < opens:
        state = "upcoming"
    else:
        state = "closed"
    return {"state": state, "opens_at": opens, "closes_at": closes}


def registration_overview(*, forum, now=None):
    """The organizers' overview of an edition's registrations (five queries at any size): counts
    by status, seats held by pending registrations, checked in, seats left, and per category the
    registrations, the seats taken and the quota where one is set."""
    now = now or timezone.now()
    counts = registration_counts(forum=forum, fields=("status", "category"))
    taken, taken_by_category = seat_usage(forum=forum, now=now)
    checkin = checkin_counts(forum=forum)
    quotas = category_quotas(forum=forum)
    by_status = counts["status"]
    categories = [
        {
            "category": value,
            "label": label,
            "registrations": counts["category"].get(value, 0),
            "taken": taken_by_category.get(value, 0),
            "quota": quotas.get(value),
        }
        for value, label in Category.choices
        if counts["category"].get(value) or value in quotas
    ]
    return {
        "confirmed": by_status.get(Registration.Status.CONFIRMED, 0),
        "pending": by_status.get(Registration.Status.PENDING, 0),
        "held": taken - checkin["confirmed"],
        "waitlisted": by_status.get(Registration.Status.WAITLISTED, 0),
        "cancelled": by_status.get(Registration.Status.CANCELLED, 0),
        "total": sum(by_status.values()),
        "checked_in": checkin["present"],
        "taken": taken,
        "capacity": forum.capacity,
        "seats_left": max(forum.capacity - taken, 0),
        "categories": categories,
    }


# --- the personal agenda -----------------------------------------------------------------------


def _moved_at():
    """When the panel last moved after it was first published (None when it has not): what the
    agenda marks as "Moved". Moves of a panel the public had not seen yet do not count."""
    from panels.models import ScheduleChange

    moves = ScheduleChange.objects.filter(
        panel=OuterRef("pk"), action=ScheduleChange.Action.MOVED, created_at__gte=OuterRef("published_at")
    ).order_by("-created_at")
    return Subquery(moves.values("created_at")[:1])


def agenda_panels(*, registration, speakers=False):
    """The panels the person chose that the public program shows (published, or cancelled after
    publication and shown as cancelled), in time order, with forum, room and theme loaded and
    ``moved_at`` annotated. One query; with ``speakers`` (for calendar entries) two."""
    from panels.selectors import public_panels

    panels = public_panels(forum=registration.forum).filter(interested_registrations=registration)
    if not speakers:
        panels = panels.prefetch_related(None)
    return list(panels.annotate(moved_at=_moved_at()))


def program_with_choices(*, registration):
    """The edition's whole public program in time order, each panel with ``chosen`` (the person
    picked it) and ``moved_at``, in one query: the manage page's agenda is the chosen ones, its
    form offers the published ones (and keeps a chosen panel that was cancelled since)."""
    from panels.selectors import public_panels

    chosen = Registration.panels.through.objects.filter(registration_id=registration.pk, panel_id=OuterRef("pk"))
    return list(
        public_panels(forum=registration.forum)
        .prefetch_related(None)
        .annotate(chosen=Exists(chosen), moved_at=_moved_at())
    )


def registrations_between(*, since, until, forum=None):
    """How many registrations were made in [since, until), in ``forum`` when given."""
    rows = Registration.objects.filter(created_at__gte=since, created_at__lt=until)
    return (rows.filter(forum=forum) if forum is not None else rows).count()


def organizer_registration(*, forum, pk):
    """One registration of an edition for its organizers' page, with its panels and who checked
    the person in; None when it is not this edition's."""
    return (
        Registration.objects.filter(forum=forum, pk=pk)
        .select_related("forum", "checked_in_by")
        .prefetch_related("panels__room")
        .first()
    )


def registration_messages(*, registration):
    """Every outbox message about this registration, newest first."""
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import OutboxMessage

    return OutboxMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(Registration), related_id=str(registration.pk)
    ).order_by("-created_at", "-id")


def cancellation_preview(*, registration_ids, now=None):
    """What cancelling these registrations on the organizers' side would do, before anything is
    (two queries whatever the selection): ``cancelled`` (they lose their registration and are
    each emailed, unless anonymized), ``refused`` (already checked in: they stay), ``unchanged``
    (already cancelled), ``emailed`` (how many of the cancelled get the notice) and ``promoted``
    (at most how many people waiting get a freed seat, and an email, in editions not yet started)."""
    now = now or timezone.now()
    rows = list(
        Registration.objects.filter(pk__in=list(registration_ids))
        .select_related("forum")
        .order_by("forum_id", "last_name", "first_name", "id")
    )
    Status = Registration.Status
    cancelled = [r for r in rows if r.status != Status.CANCELLED and not r.checked_in_at]
    freed = {}
    for registration in cancelled:
        held = registration.hold_expires_at
        holds_seat = registration.status == Status.CONFIRMED or (
            registration.status == Status.PENDING and held is not None and held > now
        )
        if holds_seat and now < registration.forum.starts_at:
            freed[registration.forum_id] = freed.get(registration.forum_id, 0) + 1
    waiting = {}
    if freed:
        waiting = dict(
            Registration.objects.filter(forum_id__in=freed, status=Status.WAITLISTED)
            .values("forum_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("forum_id", "n")
        )
    return {
        "cancelled": cancelled,
        "refused": [r for r in rows if r.status != Status.CANCELLED and r.checked_in_at],
        "unchanged": [r for r in rows if r.status == Status.CANCELLED],
        "emailed": sum(1 for r in cancelled if not r.anonymized_at),
        "promoted": sum(min(seats, waiting.get(forum_id, 0)) for forum_id, seats in freed.items()),
    }


BADGE_STATUSES = (Registration.Status.CONFIRMED, Registration.Status.PENDING, Registration.Status.WAITLISTED)


def badge_registrations(*, forum, status="", category="", panel=None):
    """Whose badges to print, by surname: the edition's registrations that are not cancelled nor
    anonymized, optionally of one status, one category, or who chose one panel."""
    queryset = Registration.objects.filter(forum=forum, anonymized_at__isnull=True, status__in=BADGE_STATUSES)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if panel:
        queryset = queryset.filter(Exists(Registration.panels.through.objects.filter(
            registration_id=OuterRef("pk"), panel_id=panel)))  # fmt: skip
    return queryset.select_related("forum").order_by("last_name", "first_name", "id")


def door_list(*, forum):
    """Everyone expected at the door (confirmed), by surname: the printed list and its PDF."""
    return (
        Registration.objects.filter(forum=forum, status=Registration.Status.CONFIRMED, anonymized_at__isnull=True)
        .only("first_name", "last_name", "organization", "badge_code", "category", "checked_in_at")
        .order_by("last_name", "first_name", "id")
    )
