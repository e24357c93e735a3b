"""Reads of panels that the pages, the exports and the API share."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from core.permissions import sees_drafts
from forum.models import Forum, Room, Theme
from forum.selectors import public_forums, visible_forums

from . import conflicts as rules
from .models import HOLDING_STATUSES, Availability, InfoPage, Panel, Participation, ProgramItem, ScheduleChange

GRID_STEP_MINUTES = 5


def public_participation_q():
    """Who the public may see named on a panel: speakers whose invitation to the panel's forum, if
    there is one, is accepted. A speaker still invited, who declined, whose invitation was
    withdrawn or expired is never named (an organizer may have put them on the panel ahead of
    their answer). Speakers an organizer placed without any invitation are named. Whether a name
    links to a speaker page is ``public_profile_q``'s business (annotated by ``participations_prefetch``)."""
    from django.apps import apps

    # Read through the app registry: speakers sits above panels and is never imported here.
    invitation = apps.get_model("speakers", "Invitation")
    unanswered = invitation.objects.filter(speaker=OuterRef("speaker_id"), forum=OuterRef("panel__forum_id")).exclude(
        state="accepted"
    )
    return ~Exists(unanswered)


PUBLIC_FORUM_STATUSES = (Forum.Status.PUBLISHED, Forum.Status.ARCHIVED)


def public_profile_q(*, speaker=None, forum=None, prefix=""):
    """The condition under which a speaker has a public page (``/forums/<slug>/speakers/<id>/``,
    ``/api/v1/speakers/<id>/``): they consented to a public profile and take part in a public
    edition, by an accepted invitation or by a place on one of its published panels where they are
    named (``public_participation_q``). In ``forum`` only, when given.

    For a Speaker queryset as it is; on another model, ``prefix`` leads to the speaker
    (``"speaker__"``) and ``speaker``/``forum`` are that row's references (OuterRef). The one rule
    behind the public speaker lists and pages and behind every link to them (``participations_prefetch``)."""
    from django.apps import apps

    speaker = OuterRef("pk") if speaker is None else speaker
    invitation = apps.get_model("speakers", "Invitation")  # speakers sits above panels: never imported here
    accepted = invitation.objects.filter(speaker=speaker, state="accepted", forum__status__in=PUBLIC_FORUM_STATUSES)
    on_panel = Participation.objects.filter(
        public_participation_q(),
        speaker=speaker,
        panel__status=Panel.Status.PUBLISHED,
        panel__forum__status__in=PUBLIC_FORUM_STATUSES,
    )
    if forum is not None:
        accepted = accepted.filter(forum=forum)
        on_panel = on_panel.filter(panel__forum=forum)
    return Q(**{f"{prefix}publish_consent": True}) & (Exists(accepted) | Exists(on_panel))


def participations_prefetch(*, public):
    """The speakers of each panel, in order, each with ``public_profile``: whether their public page
    in the panel's edition opens, so a page, an export or the API links to it (or gives its id) only
    then. ``public``: only those the public may see named (``public_participation_q``): what every
    public surface (program, panel pages, exports, API) loads a panel's speakers with."""
    opens = public_profile_q(speaker=OuterRef("speaker_id"), forum=OuterRef("panel__forum_id"), prefix="speaker__")
    participations = (
        Participation.objects.select_related("speaker")
        .annotate(public_profile=ExpressionWrapper(opens, output_field=BooleanField()))
        .order_by("order", "id")
    )
    if public:
        participations = participations.filter(public_participation_q())
    return Prefetch("participations", queryset=participations)


def public_panel_filter():
    """Published panels, and those cancelled after the public saw them (shown as cancelled)."""
    return Q(status=Panel.Status.PUBLISHED) | Q(status=Panel.Status.CANCELLED, published_at__isnull=False)


SEARCH_LANGUAGES = ("az", "en", "ru", "tr")
SPEAKER_SEARCH_FIELDS = (
    "first_name", "last_name", "first_name_latin", "last_name_latin",
    *(f"organization_{lang}" for lang in SEARCH_LANGUAGES),
)  # fmt: skip


def search_filter(q):
    """Every word of ``q`` must appear (case-insensitively) in the panel's title or description in
    any of the four languages, or in the name or organization of one of its speakers."""
    condition = Q()
    for word in q.split()[:8]:
        fields = Q()
        for lang in SEARCH_LANGUAGES:
            fields |= Q(**{f"title_{lang}__icontains": word}) | Q(**{f"description_{lang}__icontains": word})
        speakers = Q()
        for name in SPEAKER_SEARCH_FIELDS:
            speakers |= Q(**{f"speaker__{name}__icontains": word})
        fields |= Exists(Participation.objects.filter(speakers, panel=OuterRef("pk")))
        condition &= fields
    return condition


def public_panels(*, forum, theme=None, day=None, room=None, language=None, q=None):
    """The public program of a forum, in time order, speakers loaded. Filters are optional:
    ``theme`` a theme code, ``day`` a date (forum-local), ``room`` a room id, ``language`` a code,
    ``q`` words to search for (see ``search_filter``)."""
    panels = Panel.objects.filter(public_panel_filter(), forum=forum, start__isnull=False)
    if q and q.strip():
        panels = panels.filter(search_filter(q))
    if theme:
        panels = panels.filter(theme__code=theme)
    if room:
        panels = panels.filter(room_id=room)
    if language:
        panels = panels.filter(language=language)
    if day:
        start = forum.local_datetime(day, datetime.time(0, 0))
        panels = panels.filter(start__gte=start, start__lt=start + datetime.timedelta(days=1))
    return (
        panels.select_related("theme", "room", "forum")
        .prefetch_related(participations_prefetch(public=True))
        .order_by("start", "room__order", "room_id", "id")
    )


def public_panel_starts(*, forum, **filters):
    """When each panel of ``public_panels(**filters)`` starts, without loading the panels: what
    the program's day tabs count (the page loads only the day it shows)."""
    return list(public_panels(forum=forum, **filters).prefetch_related(None).order_by().values_list("start", flat=True))


def program_items(*, forum, day=None, room=None):
    """The forum's breaks, lunch, ceremonies and other items that are not panels, in time order.
    They belong to the program as soon as they are placed (the edition's own visibility hides a
    draft forum). ``room``: items in that room and items across all rooms."""
    items = ProgramItem.objects.filter(forum=forum)
    if room:
        items = items.filter(Q(room_id=room) | Q(room__isnull=True))
    if day:
        start = forum.local_datetime(day, datetime.time(0, 0))
        items = items.filter(start__gte=start, start__lt=start + datetime.timedelta(days=1))
    return items.select_related("room", "forum").order_by("start", "room__order", "id")


def blocked_intervals(*, forum):
    """[(room_id or None, start, end)] the program items hold: None means every room. What an
    automatic scheduler must leave free; panels placed by hand are not refused by them."""
    return [
        (room_id, start, end)
        for room_id, start, end in ProgramItem.objects.filter(forum=forum)
        .order_by("start", "id")
        .values_list("room_id", "start", "end")
    ]


def public_panel(*, forum, panel_id, user=None):
    """One panel as the visitor may see it (organizers also see drafts); None otherwise."""
    panels = Panel.objects.filter(forum=forum, pk=panel_id)
    organizer = sees_drafts(user)
    if not organizer:
        panels = panels.filter(public_panel_filter())
    participations = participations_prefetch(public=not organizer)
    return panels.select_related("theme", "room", "forum").prefetch_related(participations).first()


def organizer_panels(*, forum):
    return (
        Panel.objects.filter(forum=forum)
        .select_related("theme", "room", "forum")
        .prefetch_related(participations_prefetch(public=False))
        .order_by("start", "room__order", "id")
    )


def _latest_change(queryset):
    return Subquery(queryset.order_by("-updated_at").values("updated_at")[:1])


def schedule_stamp():
    """An annotation for a Forum queryset: when anything the program and its exports show last
    changed, to the microsecond. It covers the forum itself, its panels (participations added or
    removed touch their panel), the speakers on them (names, bios, positions), its rooms, its
    themes and its program items (breaks, lunch), and its invitations (an answer, a withdrawal or an
    expiry decides whether a speaker is named, ``public_participation_q``). Deletions are covered by
    ``panels.signals``, which touch the forum."""
    from django.apps import apps

    invitation = apps.get_model("speakers", "Invitation")  # speakers sits above panels: never imported here
    forum = OuterRef("pk")
    parts = [
        _latest_change(Panel.objects.filter(forum=forum)),
        _latest_change(Participation.objects.filter(panel__forum=forum).annotate(updated_at=F("speaker__updated_at"))),
        _latest_change(Room.objects.filter(forum=forum)),
        _latest_change(Theme.objects.filter(forum=forum)),
        _latest_change(ProgramItem.objects.filter(forum=forum)),
        _latest_change(invitation.objects.filter(forum=forum)),
    ]
    # Greatest() is NULL on SQLite when any part is NULL: fall back to the forum's own stamp.
    return Greatest(F("updated_at"), *(Coalesce(part, F("updated_at")) for part in parts))


def forum_with_schedule_stamp(*, slug, user):
    """The forum the visitor may see (drafts only for organizers) with ``schedule_stamp``, in one
    query; None when the visitor may not see it."""
    return visible_forums(user=user).filter(slug=slug).annotate(schedule_stamp=schedule_stamp()).first()


def schedule_last_modified(*, forum):
    """When anything the program shows last changed: the forum, its panels, their speakers, its
    rooms and themes (see ``schedule_stamp``). Full precision: the cache keys and ETags built on it
    must change on two edits within the same second; Last-Modified drops the fraction itself."""
    stamp = getattr(forum, "schedule_stamp", None)
    if stamp is None:
        stamp = Forum.objects.filter(pk=forum.pk).values_list(schedule_stamp(), flat=True).get()
    return stamp


def local_day(panel):
    return panel.start.astimezone(panel.forum.tz).date()


def group_by_day(panels):
    """[(date, [panels])] in forum-local days."""
    return [(day, list(items)) for day, items in groupby(panels, key=local_day)]


def group_by_time(panels):
    """[(start, end, [panels])] for panels sharing a start time: the program's rows."""
    return [(start, list(items)) for start, items in groupby(panels, key=lambda panel: panel.start)]


def current_conflicts(*, forum, panels):
    """Conflicts of the schedule as it stands, per panel id: a speaker on two panels at once, slots
    outside the forum's days or hours, speakers placed outside the availability they stated. (Changes
    to the forum's hours, late speaker additions or a speaker's new windows can leave these behind;
    the grid shows them.) The panels come loaded; the forum's availability windows cost one query."""
    placed = [panel for panel in panels if panel.status in HOLDING_STATUSES and panel.start]
    windows = availability_windows(forum=forum)
    found = {}
    for panel in placed:
        speakers = [participation.speaker for participation in panel.participations.all()]
        reasons = rules.forum_hours_conflicts(forum=forum, start=panel.start, end=panel.end)
        reasons += rules.clash_conflicts(
            forum=forum, panel_id=panel.pk, room=panel.room, start=panel.start, end=panel.end,
            speakers=speakers, others=placed,
        )  # fmt: skip
        unavailable = rules.unavailable_speakers(
            windows=windows, speaker_ids=[speaker.pk for speaker in speakers], start=panel.start, end=panel.end
        )
        reasons += rules.availability_conflicts(
            forum=forum, speakers=speakers, unavailable_ids=unavailable, start=panel.start, end=panel.end
        )
        if reasons:
            found[panel.pk] = reasons
    return found


def panel_status_counts(*, forum):
    """``{status: count}`` of the forum's panels (every status, zeros included) and ``unscheduled``:
    the panels the grid lists as not in the schedule (not scheduled or published with a slot).
    One query."""
    holding = Q(status__in=HOLDING_STATUSES, start__isnull=False)
    counts = Panel.objects.filter(forum=forum).aggregate(
        unscheduled=Count("pk", filter=~holding),
        **{status: Count("pk", filter=Q(status=status)) for status in Panel.Status.values},
    )
    return counts


def conflicted_panel_count(*, forum):
    """How many of the forum's panels the grid flags with a conflict right now."""
    return len(current_conflicts(forum=forum, panels=list(organizer_panels(forum=forum))))


def grid(*, forum, panels, items=()):
    """The organizer's grid: for each day, the rooms as columns and 5-minute rows from opening
    to closing, each placed panel with its row span. Unplaced panels are returned apart.
    ``slot_times`` are the forum-local start times of the rows from ``first_row`` on: the cells a
    panel can be dropped on, which panels/static/panels/schedule-grid.js lays out from them."""
    rooms = list(forum.rooms.all())
    column = {room.pk: index for index, room in enumerate(rooms, start=2)}
    opens, closes = forum.day_opens_at, forum.day_closes_at
    day_minutes = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
    rows = day_minutes // GRID_STEP_MINUTES
    days = {day: [] for day in forum.days}
    unplaced = []
    outside = []
    for panel in panels:
        if not (panel.status in HOLDING_STATUSES and panel.start):
            unplaced.append(panel)
            continue
        start, end = panel.start.astimezone(forum.tz), panel.end.astimezone(forum.tz)
        if start.date() not in days or panel.room_id not in column:
            outside.append(panel)
            continue
        first = _minutes_from(opens, start.time()) // GRID_STEP_MINUTES + 2
        last = _minutes_from(opens, end.time()) // GRID_STEP_MINUTES + 2
        if end.date() != start.date() or first < 2 or last > rows + 2:
            outside.append(panel)
            continue
        days[start.date()].append(
            {"panel": panel, "row": first, "row_end": max(last, first + 1), "column": column[panel.room_id]}
        )
    for item in items:
        # Breaks and lunch lie under the panels (listed first): one room's column, or all of them.
        start, end = item.start.astimezone(forum.tz), item.end.astimezone(forum.tz)
        first = _minutes_from(opens, start.time()) // GRID_STEP_MINUTES + 2
        last = _minutes_from(opens, end.time()) // GRID_STEP_MINUTES + 2
        if start.date() not in days or end.date() != start.date() or first < 2 or last > rows + 2:
            continue
        if item.room_id is not None and item.room_id not in column:
            continue
        first_column = column[item.room_id] if item.room_id else 2
        last_column = first_column + 1 if item.room_id else len(rooms) + 2
        days[start.date()].insert(
            0,
            {"item": item, "row": first, "row_end": max(last, first + 1), "column": first_column,
             "column_end": last_column},
        )  # fmt: skip
    hours = []
    current = datetime.datetime.combine(forum.start_date, opens)
    while current.time() < closes and current.date() == forum.start_date:
        row = _minutes_from(opens, current.time()) // GRID_STEP_MINUTES + 2
        hours.append({"label": f"{current:%H:%M}", "row": row, "row_end": min(row + 30 // GRID_STEP_MINUTES, rows + 2)})
        current += datetime.timedelta(minutes=30)
    first_slot = datetime.datetime.combine(forum.start_date, opens)
    step = datetime.timedelta(minutes=GRID_STEP_MINUTES)
    slot_times = [f"{first_slot + index * step:%H:%M}" for index in range(rows)]
    return {
        "rooms": [{"room": room, "column": column[room.pk]} for room in rooms],
        "days": [{"day": day, "cells": cells} for day, cells in days.items()],
        "rows": rows,
        "hours": hours,
        "slot_times": slot_times,
        "first_row": 2,
        "unplaced": unplaced,
        "outside": outside,
    }


def _minutes_from(origin, time):
    return (time.hour * 60 + time.minute) - (origin.hour * 60 + origin.minute)


# --- the public changelog of the program ---------------------------------------------------

# The logged actions that change what the public saw, when the panel was published just before.
PUBLIC_CHANGE_ACTIONS = (
    ScheduleChange.Action.MOVED,
    ScheduleChange.Action.CANCELLED,
    ScheduleChange.Action.UNSCHEDULED,
)


@dataclass(frozen=True)
class Slot:
    """Where and when a panel was (or is), forum-local; any part may be missing."""

    start: datetime.datetime | None
    end: datetime.datetime | None
    room: str | None


@dataclass(frozen=True)
class PublicChange:
    """One change to a panel the public had seen. Built from the schedule log without the actor,
    the internal status or anything else not public."""

    id: int
    forum: Forum
    kind: str  # "moved", "cancelled" or "unscheduled"
    changed_at: datetime.datetime  # forum-local
    title: str
    panel_id: int | None  # the panel when the public can still open it, else None
    before: Slot
    after: Slot | None  # only for moves

    @property
    def kind_label(self):
        from django.utils.translation import gettext

        return {
            "moved": gettext("Moved"),
            "cancelled": gettext("Cancelled"),
            "unscheduled": gettext("Taken out of the program"),
        }[self.kind]


def public_schedule_change_queryset(*, forum=None, since=None, panel=None):
    """The log rows behind ``public_schedule_changes``, newest first: moves, cancellations and
    withdrawals of panels that were published just before. Only public editions when ``forum`` is
    None (a page looks its forum up with the visitor's rights first)."""
    changes = ScheduleChange.objects.filter(action__in=PUBLIC_CHANGE_ACTIONS, before__status=Panel.Status.PUBLISHED)
    changes = changes.filter(forum__in=public_forums()) if forum is None else changes.filter(forum=forum)
    if since is not None:
        changes = changes.filter(created_at__gt=since)
    if panel is not None:
        changes = changes.filter(panel=panel)
    # The actor is never joined nor shown; the entries carry only public facts.
    return changes.select_related("forum", "panel").order_by("-created_at", "-id")


def _local(value, tz):
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)


def _slot(snapshot, tz, rooms):
    room = rooms.get(snapshot.get("room_id"))
    return Slot(
        start=_local(snapshot.get("start"), tz),
        end=_local(snapshot.get("end"), tz),
        room=room.name if room is not None else snapshot.get("room"),
    )


def describe_schedule_changes(changes):
    """The public entries of log rows from ``public_schedule_change_queryset`` (one query for the
    rooms' names in the active language, whatever the number of rows)."""
    changes = list(changes)
    room_ids = {
        snapshot.get("room_id") for change in changes for snapshot in (change.before, change.after) if snapshot
    } - {None}
    rooms = Room.objects.in_bulk([pk for pk in room_ids if isinstance(pk, int)]) if room_ids else {}
    entries = []
    for change in changes:
        tz = change.forum.tz
        panel = change.panel
        public_now = panel is not None and panel.is_public
        entries.append(
            PublicChange(
                id=change.pk,
                forum=change.forum,
                kind=change.action,
                changed_at=change.created_at.astimezone(tz),
                # The title as the public knows it: in the visitor's language while the panel is
                # public; once withdrawn, the title it had when it was (its draft may change since).
                title=panel.title if public_now else change.panel_title,
                panel_id=panel.pk if public_now else None,
                before=_slot(change.before or {}, tz, rooms),
                after=_slot(change.after or {}, tz, rooms) if change.action == ScheduleChange.Action.MOVED else None,
            )
        )
    return entries


def public_schedule_changes(*, forum, since=None, panel=None):
    """What changed in ``forum``'s published program, newest first: panels the public had seen
    that were moved (old and new forum-local time and room), cancelled, or taken out of the
    program. Never who made the change. Two queries, whatever the number of changes.

    Panels added to the program after its first publication are not listed: the log cannot tell
    them apart from the first publication itself (each panel of a batch is logged on its own, at
    its own instant), nor tell whether the edition was public when a panel was published."""
    return describe_schedule_changes(public_schedule_change_queryset(forum=forum, since=since, panel=panel))


def public_schedule_change_count(*, forum):
    return public_schedule_change_queryset(forum=forum).count()


def latest_moves(*, forum, rooms):
    """{panel id: Slot} where each public panel moved after publication was before its latest
    move (forum-local, the room named in the active language from ``rooms``, already loaded).
    One query, whatever the number of moves."""
    rooms = {room.pk: room for room in rooms}
    moves = {}
    changes = public_schedule_change_queryset(forum=forum).filter(action=ScheduleChange.Action.MOVED)
    for panel_id, before in changes.values_list("panel", "before"):
        if panel_id is not None and panel_id not in moves:
            moves[panel_id] = _slot(before or {}, forum.tz, rooms)
    return moves


def info_page(*, forum, kind):
    """The edition's page of ``kind`` (terms, privacy, contact, venue) or None when not written yet."""
    return InfoPage.objects.filter(forum=forum, kind=kind).first()


# --- speakers' availability: the windows the scheduling rules check ---------------------------


def availability_windows(*, forum, speaker_ids=None):
    """{speaker id: [(start, end)]} of the stated availability in ``forum``, in one query: of the
    speakers listed, or of every speaker of the forum when ``speaker_ids`` is None (the grid and
    the automatic scheduler read them all)."""
    rows = Availability.objects.filter(forum=forum)
    if speaker_ids is not None:
        rows = rows.filter(speaker_id__in=list(speaker_ids))
    windows = defaultdict(list)
    for speaker_id, start, end in rows.order_by("speaker_id", "start").values_list("speaker_id", "start", "end"):
        windows[speaker_id].append((start, end))
    return dict(windows)


def speakers_unavailable(*, forum, speaker_ids, start, end):
    """Ids of the speakers whose stated availability does not cover [start, end).

    A speaker who stated no availability for the forum is taken to be available.
    """
    speaker_ids = list(speaker_ids)
    if not speaker_ids:
        return []
    windows = availability_windows(forum=forum, speaker_ids=speaker_ids)
    return rules.unavailable_speakers(windows=windows, speaker_ids=speaker_ids, start=start, end=end)


def sessions_outside_availability(*, forum, speaker, windows=None):
    """The speaker's roles on scheduled or published panels of ``forum`` that lie outside their
    stated ``windows`` (read from the database when None), in time order, panel and room loaded."""
    if windows is None:
        windows = availability_windows(forum=forum, speaker_ids=[speaker.pk]).get(speaker.pk, [])
    if not windows:
        return []
    sessions = (
        Participation.objects.filter(
            panel__forum=forum, speaker=speaker, panel__status__in=HOLDING_STATUSES, panel__start__isnull=False
        )
        .select_related("panel__room", "panel__forum")
        .order_by("panel__start", "panel_id")
    )
    return [
        part
        for part in sessions
        if rules.unavailable_speakers(
            windows={speaker.pk: windows}, speaker_ids=[speaker.pk], start=part.panel.start, end=part.panel.end
        )
    ]


def speaker_availability(*, forum, speaker):
    return list(Availability.objects.filter(forum=forum, speaker=speaker).order_by("start"))
