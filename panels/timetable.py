"""The public program laid out as a timetable: day tabs, a rooms × time grid for one day (whose
cells a phone shows as a chronological list), marks for moved panels, and "now and next".

Pure functions over panels and program items already loaded (``selectors.public_panels`` and
``selectors.program_items``): no queries here, so the page costs the same at 20 or 500 panels.
"""

import datetime
from dataclasses import dataclass

from .models import Panel, ProgramItem

STEP_MINUTES = 5
HOUR_MARK_MINUTES = 30
# Shapes beside the colour, so a theme is told apart without seeing colours (and in print).
THEME_MARKS = ("●", "■", "▲", "◆", "★", "✚", "⬟", "⬢")


@dataclass
class Entry:
    """A panel or a program item as the timetable places it."""

    obj: object
    start: datetime.datetime  # forum-local
    end: datetime.datetime
    row: int = 0
    row_end: int = 0
    column: int = 0
    column_end: int = 0
    moved_from: object = None  # selectors.Slot the public saw before the latest move

    @property
    def is_item(self):
        return isinstance(self.obj, ProgramItem)

    @property
    def is_cancelled(self):
        return not self.is_item and self.obj.status == Panel.Status.CANCELLED


def theme_marks(themes):
    """{theme id: shape} in the themes' order."""
    return {theme.pk: THEME_MARKS[index % len(THEME_MARKS)] for index, theme in enumerate(themes)}


def entries(*, forum, panels, items, moves=None):
    """Panels and items as ``Entry`` in time order (items first at the same start, then by room)."""
    tz = forum.tz
    moves = moves or {}
    found = [
        Entry(obj=panel, start=panel.start.astimezone(tz), end=panel.end.astimezone(tz), moved_from=moves.get(panel.pk))
        for panel in panels
    ]
    found += [Entry(obj=item, start=item.start.astimezone(tz), end=item.end.astimezone(tz)) for item in items]
    return sorted(found, key=_order)


def _order(entry):
    room = entry.obj.room
    return (entry.start, 0 if entry.is_item else 1, room.order if room else -1, entry.obj.room_id or 0, entry.obj.pk)


def day_counts(*, forum, starts):
    """[{"day", "count"}] for every forum day: how many panels (matching the filters) start on it,
    from their start times alone (aware datetimes), so the panels themselves need not be loaded."""
    tz = forum.tz
    counts = dict.fromkeys(forum.days, 0)
    for start in starts:
        local = start.astimezone(tz).date()
        if local in counts:
            counts[local] += 1
    return [{"day": day, "count": count} for day, count in counts.items()]


def default_day(*, forum, day_counts, today, searching):
    """The forum's current day while it runs; when searching, the first day with a match; else the
    first day."""
    if today in forum.days and (not searching or any(d["day"] == today and d["count"] for d in day_counts)):
        return today
    if searching:
        for entry in day_counts:
            if entry["count"]:
                return entry["day"]
    return forum.days[0] if forum.days else None


def grid(*, forum, rooms, day_entries):
    """Place one day's entries on a grid: column 1 the time axis, one column per room, row 1 the
    room headers, then one row per ``STEP_MINUTES`` from the first start to the last end (hours
    widened to whole half-hours). An item without a room spans every room's column."""
    column = {room.pk: index for index, room in enumerate(rooms, start=2)}
    placed = [entry for entry in day_entries if entry.is_item or entry.obj.room_id in column]
    if not placed:
        return {"rooms": [], "entries": [], "hours": [], "rows": 0}
    first = min(entry.start for entry in placed)
    last = max(entry.end if entry.end.date() == entry.start.date() else entry.start for entry in placed)
    origin = first.replace(minute=first.minute - first.minute % HOUR_MARK_MINUTES, second=0, microsecond=0)
    total = _minutes(origin, last)
    rows = max(1, -(-total // STEP_MINUTES))

    def row_of(moment):
        return min(max(_minutes(origin, moment) // STEP_MINUTES, 0), rows) + 2

    for entry in placed:
        entry.row = row_of(entry.start)
        end = entry.end if entry.end.date() == entry.start.date() else last
        entry.row_end = max(row_of(end), entry.row + 1)
        room_id = entry.obj.room_id
        if entry.is_item and room_id is None:
            entry.column, entry.column_end = 2, len(rooms) + 2
        else:
            entry.column = column.get(room_id, 2)
            entry.column_end = entry.column + 1
    hours = []
    moment = origin
    while moment < last:
        row = row_of(moment)
        hours.append({"time": moment, "row": row, "row_end": min(row + HOUR_MARK_MINUTES // STEP_MINUTES, rows + 2)})
        moment += datetime.timedelta(minutes=HOUR_MARK_MINUTES)
    return {
        "rooms": [{"room": room, "column": column[room.pk]} for room in rooms],
        "entries": placed,
        "hours": hours,
        "rows": rows,
    }


def _minutes(origin, moment):
    return int((moment - origin).total_seconds() // 60)


def now_and_next(*, forum, all_entries, now):
    """While the forum runs (a forum day, between opening and closing): what is on now and what
    starts next (everything starting at the next start time). None otherwise."""
    local = now.astimezone(forum.tz)
    if local.date() not in forum.days or not (forum.day_opens_at <= local.time() < forum.day_closes_at):
        return None
    live = [entry for entry in all_entries if not entry.is_cancelled]
    current = [entry for entry in live if entry.start <= local < entry.end]
    upcoming = [entry for entry in live if entry.start > local and entry.start.date() == local.date()]
    following = []
    if upcoming:
        soonest = min(entry.start for entry in upcoming)
        following = [entry for entry in upcoming if entry.start == soonest]
    return {"now": current, "next": following, "at": local}


def in_progress(*, forum, now):
    """A stamp that changes every ``STEP_MINUTES`` while the forum runs, every day on its days, and
    is empty otherwise: what
    the cached program and its ETag add to their key, so "now and next" and the opening day move
    on with the clock."""
    local = now.astimezone(forum.tz)
    if local.date() not in forum.days:
        return ""
    if not (forum.day_opens_at <= local.time() < forum.day_closes_at):
        return local.date().isoformat()  # the day that opens first, without a strip
    return local.replace(minute=local.minute - local.minute % STEP_MINUTES, second=0, microsecond=0).isoformat()
