"""Reads of panels that the pages, the exports and the API share."""

import datetime
from itertools import groupby

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from forum.models import Forum, Room, Theme
from forum.permissions import sees_drafts
from forum.selectors import visible_forums
from speakers import selectors as speaker_selectors
from speakers.models import Speaker

from . import conflicts as rules
from .models import HOLDING_STATUSES, Panel, Participation

GRID_STEP_MINUTES = 5


def _participations():
    return Prefetch(
        "participations",
        queryset=Participation.objects.select_related("speaker").order_by("order", "id"),
    )


def public_panel_filter():
    """Published panels, and those cancelled after the public saw them (shown as cancelled)."""
    return Q(status=Panel.Status.PUBLISHED) | Q(status=Panel.Status.CANCELLED, published_at__isnull=False)


def public_panels(*, forum, theme=None, day=None, room=None, language=None):
    """The public program of a forum, in time order, speakers loaded. Filters are optional:
    ``theme`` a theme code, ``day`` a date (forum-local), ``room`` a room id, ``language`` a code."""
    panels = Panel.objects.filter(public_panel_filter(), forum=forum, start__isnull=False)
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
        .prefetch_related(_participations())
        .order_by("start", "room__order", "room_id", "id")
    )


def public_panel(*, forum, panel_id, user=None):
    """One panel as the visitor may see it (organizers also see drafts); None otherwise."""
    panels = Panel.objects.filter(forum=forum, pk=panel_id)
    if not sees_drafts(user):
        panels = panels.filter(public_panel_filter())
    return panels.select_related("theme", "room", "forum").prefetch_related(_participations()).first()


def organizer_panels(*, forum):
    return (
        Panel.objects.filter(forum=forum)
        .select_related("theme", "room", "forum")
        .prefetch_related(_participations())
        .order_by("start", "room__order", "id")
    )


def _latest_change(queryset):
    return Subquery(queryset.order_by("-updated_at").values("updated_at")[:1])


def schedule_stamp():
    """An annotation for a Forum queryset: when anything the program and its exports show last
    changed, to the microsecond. It covers the forum itself, its panels (participations added or
    removed touch their panel), the speakers on them (names, bios, positions), its rooms and its
    themes. Deletions are covered by ``panels.signals``, which touch the forum."""
    forum = OuterRef("pk")
    parts = [
        _latest_change(Panel.objects.filter(forum=forum)),
        _latest_change(Speaker.objects.filter(participations__panel__forum=forum)),
        _latest_change(Room.objects.filter(forum=forum)),
        _latest_change(Theme.objects.filter(forum=forum)),
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
    windows = speaker_selectors.availability_windows(forum=forum)
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


def grid(*, forum, panels):
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
