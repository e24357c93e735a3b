"""The scheduling rules, as pure functions over already-loaded panels.

The scheduling service calls them under a lock with the panels that could clash; the organizer's
grid calls them with the whole forum loaded, to show conflicts where they are. One rule, one place.
"""

import datetime
from dataclasses import asdict, dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

MIN_DURATION = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class Reason:
    """One reason a slot is refused (or, for warnings, worth a second look)."""

    code: str
    message: str
    panel: int | None = None
    speaker: int | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self):
        data = {key: value for key, value in asdict(self).items() if value not in (None, {})}
        data.update(data.pop("extra", {}))
        return data


def local_when(start, end, tz):
    """ "12.05.2026 10:00–11:30" in the forum's zone: the same in every language."""
    start, end = start.astimezone(tz), end.astimezone(tz)
    if start.date() == end.date():
        return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"
    return f"{start:%d.%m.%Y %H:%M} – {end:%d.%m.%Y %H:%M}"


def _duration_text(delta):
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def interval_errors(*, start, end, tz=None):
    """Reasons the interval itself is malformed (invalid input, whatever else is booked); times in
    the message are forum-local (``tz``, else the current zone)."""
    reasons = []
    if end <= start:
        tz = tz or timezone.get_current_timezone()
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        reasons.append(
            Reason(
                "end_before_start",
                _("The end (%(end)s) must come after the start (%(start)s).")
                % {"end": f"{local_end:%d.%m.%Y %H:%M}", "start": f"{local_start:%d.%m.%Y %H:%M}"},
            )
        )
    elif end - start < MIN_DURATION:
        reasons.append(
            Reason(
                "too_short",
                _("A panel lasts at least %(minutes)s minutes; this slot lasts %(actual)s.")
                % {"minutes": int(MIN_DURATION.total_seconds() // 60), "actual": _duration_text(end - start)},
            )
        )
    return reasons


def forum_hours_conflicts(*, forum, start, end):
    """The slot must fall on a forum day and within that day's opening hours (forum-local)."""
    tz = forum.tz
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    reasons = []
    if not (forum.start_date <= local_start.date() <= forum.end_date) or not (
        forum.start_date <= local_end.date() <= forum.end_date
    ):
        reasons.append(
            Reason(
                "outside_forum_dates",
                _("The forum runs from %(first)s to %(last)s; this slot is on %(day)s.")
                % {
                    "first": f"{forum.start_date:%d.%m.%Y}",
                    "last": f"{forum.end_date:%d.%m.%Y}",
                    "day": f"{local_start:%d.%m.%Y}",
                },
            )
        )
    if (
        local_start.date() != local_end.date()
        or local_start.time() < forum.day_opens_at
        or local_end.time() > forum.day_closes_at
    ):
        reasons.append(
            Reason(
                "outside_opening_hours",
                _("The slot must lie within the day's opening hours, %(opens)s to %(closes)s (%(tz)s).")
                % {
                    "opens": f"{forum.day_opens_at:%H:%M}",
                    "closes": f"{forum.day_closes_at:%H:%M}",
                    "tz": forum.timezone,
                },
            )
        )
    return reasons


def overlaps(a_start, a_end, b_start, b_end):
    """Half-open intervals: a panel ending at 11:00 does not clash with one starting at 11:00."""
    return a_start < b_end and b_start < a_end


def clash_conflicts(*, forum, panel_id, room, start, end, speakers, others):
    """Room double-bookings and speakers due elsewhere at the same time.

    ``speakers`` are the panel's Speaker objects; ``others`` are slot-holding panels with
    ``room`` and ``participations.speaker`` loaded. Every clash is a separate reason.
    """
    tz = forum.tz
    reasons = []
    speaker_by_id = {speaker.pk: speaker for speaker in speakers}
    for other in others:
        if other.pk == panel_id or not overlaps(start, end, other.start, other.end):
            continue
        when = local_when(other.start, other.end, tz)
        if room is not None and other.room_id == room.pk:
            reasons.append(
                Reason(
                    "room_booked",
                    _("%(room)s is already booked at %(when)s for “%(title)s”.")
                    % {"room": room.name, "when": when, "title": other.title},
                    panel=other.pk,
                )
            )
        for participation in other.participations.all():
            speaker = speaker_by_id.get(participation.speaker_id)
            if speaker is None:
                continue
            reasons.append(
                Reason(
                    "speaker_busy",
                    _("%(speaker)s is already on “%(title)s” in %(room)s at %(when)s.")
                    % {"speaker": speaker.display_name, "title": other.title, "room": other.room.name, "when": when},
                    panel=other.pk,
                    speaker=speaker.pk,
                )
            )
    return reasons


def merge_windows(windows):
    """Availability windows [(start, end)] sorted, touching or overlapping ones joined into one span."""
    spans = []
    for start, end in sorted(windows):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def unavailable_speakers(*, windows, speaker_ids, start, end):
    """Ids of the speakers whose stated windows ({speaker id: [(start, end)]}) do not cover
    [start, end) with one span. A speaker who stated no window is taken to be available."""
    unavailable = []
    for speaker_id in speaker_ids:
        spans = merge_windows(windows.get(speaker_id) or [])
        if spans and not any(s <= start and end <= e for s, e in spans):
            unavailable.append(speaker_id)
    return unavailable


def availability_conflicts(*, forum, speakers, unavailable_ids, start, end):
    """A reason for each of ``speakers`` whose id is in ``unavailable_ids`` (see
    ``unavailable_speakers``): the scheduling service and the grid give the same text."""
    when = local_when(start, end, forum.tz)
    unavailable = set(unavailable_ids)
    return [
        Reason(
            "speaker_unavailable",
            _("%(speaker)s is not available at %(when)s.") % {"speaker": speaker.display_name, "when": when},
            speaker=speaker.pk,
        )
        for speaker in speakers
        if speaker.pk in unavailable
    ]


def capacity_warnings(*, capacity, room):
    if room is not None and capacity is not None and capacity > room.capacity:
        return [
            Reason(
                "capacity_exceeds_room",
                _("The panel expects %(capacity)s people but %(room)s seats %(seats)s.")
                % {"capacity": capacity, "room": room.name, "seats": room.capacity},
            )
        ]
    return []
