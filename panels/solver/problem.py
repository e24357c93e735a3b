"""The scheduling problem, loaded once from the database into plain data.

Time is cut into slots of ``params.slot_minutes`` inside each forum day's opening hours. A slot is a
global index ``day * stride + k``; ``stride`` leaves a gap of empty indexes between days so that a
speaker's changeover never reaches into the next morning.

Which starts a panel may take is decided by the manual scheduling rules themselves
(``panels.conflicts``: forum days and hours, speakers' availability windows), so a proposal and the
schedule grid can never disagree about them.
"""

import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from forum.models import Room

from .. import conflicts as rules
from .. import selectors
from ..models import Panel, Participation
from .params import DEFAULT_MINUTES


@dataclass(frozen=True)
class Blocked:
    """Time no panel may take: a break or ceremony, in one room (``room_id``) or in all (None)."""

    start: datetime.datetime
    end: datetime.datetime
    label: str
    room_id: int | None = None


@dataclass
class RoomInfo:
    id: int
    name: str
    capacity: int
    interpretation: bool


@dataclass
class Item:
    """A panel the solver may place."""

    id: int
    title: str
    format: str
    theme_id: int | None
    length: int  # slots
    minutes: int
    speakers: tuple
    audience: int
    seats: int  # seats needed: the audience with the margin, or the panel's own expected capacity
    interpretation: bool
    current: tuple | None  # (room id, start slot) when it holds a slot now
    state: dict  # what the panel looked like when loaded, to notice later changes
    starts: list = field(default_factory=list)  # allowed start slots
    rooms: list = field(default_factory=list)  # allowed room ids


@dataclass
class Fixed:
    """A panel that keeps its place: pinned, or outside the proposal's scope."""

    id: int
    title: str
    room_id: int
    start: datetime.datetime
    end: datetime.datetime
    first: int | None  # slot range it covers (rounded outwards), None when off the grid
    last: int | None
    speakers: tuple
    theme_id: int | None
    seats: int
    pinned: bool


@dataclass
class Problem:
    forum: object
    params: object
    days: list
    slots_per_day: int
    stride: int
    gap: int  # changeover in slots
    rooms: list
    items: list
    fixed: list
    blocked: list
    windows: dict
    speaker_names: dict
    pair_weights: Counter  # {(panel id, panel id): attendees who chose both}
    audience: dict  # {panel id: attendees who chose it}

    # --- time ---------------------------------------------------------------------------------

    def slot_start(self, slot):
        day, k = divmod(slot, self.stride)
        opens = self.forum.local_datetime(self.days[day], self.forum.day_opens_at)
        return (opens + datetime.timedelta(minutes=k * self.params.slot_minutes)).astimezone(datetime.UTC)

    def slot_span(self, slot, length):
        start = self.slot_start(slot)
        return start, start + datetime.timedelta(minutes=length * self.params.slot_minutes)

    def grid_starts(self, length):
        return [
            day * self.stride + k
            for day in range(len(self.days))
            for k in range(self.slots_per_day - length + 1)
            if self.params.day is None or self.days[day] == self.params.day
        ]

    def covering(self, start, end):
        """The (first, last) slots [first, last) an interval touches, or (None, None) off the grid."""
        local = start.astimezone(self.forum.tz)
        if local.date() not in self.days:
            return None, None
        day = self.days.index(local.date())
        opens = self.forum.local_datetime(local.date(), self.forum.day_opens_at)
        size = self.params.slot_minutes * 60
        first = math.floor((start - opens).total_seconds() / size)
        last = math.ceil((end - opens).total_seconds() / size)
        first, last = max(first, 0), min(last, self.slots_per_day)
        if last <= first:
            return None, None
        return day * self.stride + first, day * self.stride + last

    @property
    def room_by_id(self):
        return {room.id: room for room in self.rooms}


def blocked_intervals(forum):
    """Breaks, meals and ceremonies of the forum (``panels.selectors.blocked_intervals``) as
    ``Blocked`` intervals: no panel may take a room while one of them holds it (or all rooms)."""
    return [
        Blocked(start=start, end=end, label="", room_id=room_id)
        for room_id, start, end in selectors.blocked_intervals(forum=forum)
    ]


def _audience(forum):
    """{panel id: attendees who chose it} and {(a, b): attendees who chose both}, cancelled
    registrations left out. Read through the M2M table: panels never import registration."""
    through = Panel.interested_registrations.through
    rows = (
        through.objects.filter(panel__forum=forum)
        .exclude(registration__status="cancelled")
        .order_by("registration_id")
        .values_list("registration_id", "panel_id")
    )
    by_registration = defaultdict(list)
    for registration_id, panel_id in rows.iterator(chunk_size=20000):
        by_registration[registration_id].append(panel_id)
    audience, pairs = Counter(), Counter()
    for chosen in by_registration.values():
        chosen = sorted(set(chosen))
        audience.update(chosen)
        pairs.update(combinations(chosen, 2))
    return audience, pairs


def _state(panel):
    return {
        "status": panel.status,
        "room_id": panel.room_id,
        "start": panel.start.isoformat() if panel.start else None,
        "end": panel.end.isoformat() if panel.end else None,
        "sequence": panel.sequence,
        "updated_at": panel.updated_at.isoformat(),
    }


def _in_scope(panel, params, day_of):
    if panel.locked or panel.status in (Panel.Status.PUBLISHED, Panel.Status.CANCELLED):
        return False
    if params.theme is not None and panel.theme_id != params.theme:
        return False
    if not panel.holds_slot:
        return True
    if params.day is not None:
        return day_of(panel) == params.day
    return params.scope == "all"


def load(*, forum, params, blocked=None):
    """Everything the solver needs about ``forum``, in a handful of queries."""
    slot = params.slot_minutes
    opens = forum.day_opens_at.hour * 60 + forum.day_opens_at.minute
    closes = forum.day_closes_at.hour * 60 + forum.day_closes_at.minute
    slots_per_day = (closes - opens) // slot
    gap = math.ceil(params.changeover_minutes / slot)
    rooms = [
        RoomInfo(id=room.pk, name=room.name, capacity=room.capacity, interpretation=bool(room.interpretation_languages))
        for room in Room.objects.filter(forum=forum).order_by("order", "id")
    ]
    panels = list(
        Panel.objects.filter(forum=forum)
        .exclude(status=Panel.Status.CANCELLED)
        .select_related("forum")
        .prefetch_related("participations")
        .order_by("id")
    )
    audience, pairs = _audience(forum)
    windows = selectors.availability_windows(forum=forum)
    problem = Problem(
        forum=forum,
        params=params,
        days=forum.days,
        slots_per_day=slots_per_day,
        stride=slots_per_day + gap + 1,
        gap=gap,
        rooms=rooms,
        items=[],
        fixed=[],
        blocked=list(blocked_intervals(forum) if blocked is None else blocked),
        windows=windows,
        speaker_names={},
        pair_weights=pairs,
        audience=audience,
    )
    margin = params.capacity_margin
    rooms_by_id = problem.room_by_id

    def day_of(panel):
        return panel.start.astimezone(forum.tz).date()

    for panel in panels:
        speakers = tuple(sorted(p.speaker_id for p in panel.participations.all()))
        seats = max(math.ceil(audience[panel.pk] * (100 + margin) / 100), panel.capacity or 0)
        if _in_scope(panel, params, day_of):
            minutes = panel.planned_minutes or (
                int((panel.end - panel.start).total_seconds() // 60) if panel.start else DEFAULT_MINUTES[panel.format]
            )
            current = None
            if panel.holds_slot:
                first, _last = problem.covering(panel.start, panel.end)
                if first is not None and problem.slot_start(first) == panel.start and panel.room_id in rooms_by_id:
                    current = (panel.room_id, first)
            problem.items.append(
                Item(
                    id=panel.pk,
                    title=panel.title,
                    format=panel.format,
                    theme_id=panel.theme_id,
                    length=math.ceil(minutes / slot),
                    minutes=minutes,
                    speakers=speakers,
                    audience=audience[panel.pk],
                    seats=seats,
                    interpretation=panel.interpretation,
                    current=current,
                    state=_state(panel),
                )
            )
        elif panel.holds_slot:
            first, last = problem.covering(panel.start, panel.end)
            problem.fixed.append(
                Fixed(
                    id=panel.pk,
                    title=panel.title,
                    room_id=panel.room_id,
                    start=panel.start,
                    end=panel.end,
                    first=first,
                    last=last,
                    speakers=speakers,
                    theme_id=panel.theme_id,
                    seats=seats,
                    pinned=panel.locked or panel.status == Panel.Status.PUBLISHED,
                )
            )
    _speaker_names(problem)
    _allowed(problem)
    return problem


def _speaker_names(problem):
    ids = {s for item in problem.items for s in item.speakers}
    participations = Participation.objects.filter(speaker_id__in=ids).select_related("speaker").order_by("speaker_id")
    problem.speaker_names = {p.speaker_id: p.speaker.display_name for p in participations}


def room_allowed(item, room):
    return room.capacity >= item.seats and (room.interpretation or not item.interpretation)


def start_allowed(problem, item, slot, cache):
    """The manual rules that depend on the time alone: forum days and hours, every speaker's
    availability, breaks and ceremonies of all rooms."""
    key = (slot, item.length)
    if key not in cache:
        start, end = problem.slot_span(slot, item.length)
        hours_ok = not rules.forum_hours_conflicts(forum=problem.forum, start=start, end=end)
        free = not any(b.room_id is None and rules.overlaps(start, end, b.start, b.end) for b in problem.blocked)
        cache[key] = (hours_ok and free, start, end)
    ok, start, end = cache[key]
    if not ok:
        return False
    for speaker in item.speakers:
        skey = (speaker, slot, item.length)
        if skey not in cache:
            cache[skey] = not rules.unavailable_speakers(
                windows=problem.windows, speaker_ids=[speaker], start=start, end=end
            )
        if not cache[skey]:
            return False
    return True


def _allowed(problem):
    cache = {}
    for item in problem.items:
        item.rooms = [room.id for room in problem.rooms if room_allowed(item, room)]
        item.starts = [slot for slot in problem.grid_starts(item.length) if start_allowed(problem, item, slot, cache)]
