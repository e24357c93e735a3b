"""Why a panel cannot be placed: the smallest set of constraints that together leave it no slot.

For one panel, with everything else where the proposal put it, every candidate (room, start) on the
grid is struck out by some constraints: a speaker's availability, the forum's hours, room size,
interpretation equipment, a break, another panel in the room, a speaker busy elsewhere. Each
constraint gets an assumption literal in a small CP-SAT model that asks for one candidate. The
solver's sufficient assumptions for infeasibility give a core; removing members one by one while
the model stays infeasible makes the core minimal (no member can be dropped).

Reasons are stored as codes with parameters and turned into sentences when shown, in the language
of whoever reads them.
"""

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ortools.sat.python import cp_model

from .. import conflicts as rules


def _candidates(problem, item):
    return [(room.id, slot) for slot in problem.grid_starts(item.length) for room in problem.rooms]


def _groups(problem, item, occupied=None):
    """{reason key: set of candidates it strikes out}: the constraints of the panel itself, or with
    ``occupied`` (the other panels placed) the rooms taken and the speakers busy."""
    strikes = defaultdict(set)
    gap = _gap(problem)
    by_room, by_speaker = defaultdict(list), defaultdict(list)
    for other in occupied or ():
        by_room[other["room"]].append(other)
        for speaker in other["speakers"]:
            by_speaker[speaker].append(other)
    too_small = {room.id for room in problem.rooms if room.capacity < item.seats}
    unequipped = {room.id for room in problem.rooms if item.interpretation and not room.interpretation}
    room_ids = [room.id for room in problem.rooms]
    for slot in problem.grid_starts(item.length):
        start, end = problem.slot_span(slot, item.length)
        whole_slot = [(room_id, slot) for room_id in room_ids]
        if occupied is not None:
            for speaker in item.speakers:
                for other in by_speaker.get(speaker, ()):
                    if rules.overlaps(start, end + gap, other["start"], other["end"] + gap):
                        strikes[("speaker_busy", speaker, other["id"])].update(whole_slot)
            for room_id in room_ids:
                for other in by_room.get(room_id, ()):
                    if rules.overlaps(start, end, other["start"], other["end"]):
                        strikes[("room_taken", other["id"])].add((room_id, slot))
            continue
        if rules.forum_hours_conflicts(forum=problem.forum, start=start, end=end):
            strikes[("hours",)].update(whole_slot)
        for speaker in item.speakers:
            if rules.unavailable_speakers(windows=problem.windows, speaker_ids=[speaker], start=start, end=end):
                strikes[("availability", speaker)].update(whole_slot)
        for index, blocked in enumerate(problem.blocked):
            if rules.overlaps(start, end, blocked.start, blocked.end):
                rooms = room_ids if blocked.room_id is None else [blocked.room_id]
                strikes[("blocked", index)].update((room_id, slot) for room_id in rooms)
        for room_id in too_small:
            strikes[("capacity",)].add((room_id, slot))
        for room_id in unequipped:
            strikes[("interpretation",)].add((room_id, slot))
    return strikes


def _gap(problem):
    return datetime.timedelta(minutes=problem.gap * problem.params.slot_minutes)


def _when(start, end, tz):
    return rules.local_when(start, end, tz)


def _reason(problem, item, key, occupied, tz):
    code = key[0]
    if code == "availability":
        speaker = key[1]
        spans = rules.merge_windows(problem.windows.get(speaker, []))
        return {
            "code": code,
            "speaker": problem.speaker_names.get(speaker, str(speaker)),
            "windows": [_when(start, end, tz) for start, end in spans],
        }
    if code == "capacity":
        fit = [room.name for room in problem.rooms if room.capacity >= item.seats]
        return {"code": code, "seats": item.seats, "rooms": fit}
    if code == "interpretation":
        return {"code": code, "rooms": [room.name for room in problem.rooms if room.interpretation]}
    if code == "blocked":
        blocked = problem.blocked[key[1]]
        room = problem.room_by_id.get(blocked.room_id)
        return {
            "code": code,
            "label": blocked.label,
            "when": _when(blocked.start, blocked.end, tz),
            "room": room.name if room else None,
        }
    if code == "room_taken":
        other = occupied[key[1]]
        return {
            "code": code,
            "panel": other["id"],
            "title": other["title"],
            "room": problem.room_by_id[other["room"]].name,
            "when": _when(other["start"], other["end"], tz),
            "pinned": other["pinned"],
        }
    if code == "speaker_busy":
        other = occupied[key[2]]
        return {
            "code": code,
            "panel": other["id"],
            "speaker": problem.speaker_names.get(key[1], str(key[1])),
            "title": other["title"],
            "when": _when(other["start"], other["end"], tz),
            "pinned": other["pinned"],
        }
    if code == "hours":
        forum = problem.forum
        return {"code": code, "opens": f"{forum.day_opens_at:%H:%M}", "closes": f"{forum.day_closes_at:%H:%M}"}
    return {"code": code}


# Constraints that hold whatever else is placed; tried alone first, so a panel that could never fit
# is explained by them without the other panels.
STATIC = ("availability", "hours", "capacity", "interpretation", "blocked", "too_long")
ORDER = ["availability", "hours", "capacity", "interpretation", "blocked", "room_taken", "speaker_busy"]


def _core(candidates, strikes, keys):
    """A core of ``keys`` from CP-SAT's sufficient assumptions for infeasibility, or None when the
    constraints of ``keys`` leave some candidate free.

    Candidates struck by exactly the same constraints stand or fall together, so the model has one
    literal per such class rather than per (room, start)."""
    struck_by = defaultdict(set)
    for key in keys:
        for candidate in strikes[key]:
            struck_by[candidate].add(key)
    classes = {frozenset(struck_by.get(candidate, ())) for candidate in candidates}
    if frozenset() in classes:
        return None
    model = cp_model.CpModel()
    x = {signature: model.new_bool_var("") for signature in classes}
    model.add_bool_or(list(x.values()))
    literals = {key: model.new_bool_var(str(key)) for key in keys}
    for signature, literal in x.items():
        for key in signature:
            model.add_implication(literals[key], ~literal)
    by_index = {literal.index: key for key, literal in literals.items()}
    model.add_assumptions(list(literals.values()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10.0
    if solver.solve(model) != cp_model.INFEASIBLE:
        return None
    return [by_index[index] for index in solver.sufficient_assumptions_for_infeasibility()]


def _minimal(candidates, strikes, core):
    """Deletion: drop each member whose candidates the others still strike out. The test is exact
    for this model (it is infeasible exactly when every candidate is struck), so the result is
    irreducible. Members striking the fewest candidates go first: the broad reasons stay."""
    cover = defaultdict(int)
    for key in core:
        for candidate in strikes[key]:
            cover[candidate] += 1
    kept = list(core)
    for key in sorted(core, key=lambda k: (len(strikes[k]), str(k))):
        if all(cover[candidate] >= 2 for candidate in strikes[key]):
            kept.remove(key)
            for candidate in strikes[key]:
                cover[candidate] -= 1
    assert all(cover[candidate] >= 1 for candidate in candidates)
    return kept


def blocking_constraints(problem, item, occupied):
    """The minimal list of reasons (dicts) that leave ``item`` no room and time, or [] when some
    candidate is free after all (the search ran out of time before placing it)."""
    if not problem.grid_starts(item.length):
        return [{"code": "too_long", "minutes": item.minutes}]
    candidates = _candidates(problem, item)
    strikes = _groups(problem, item)
    # The panel's own constraints first: when they already leave nothing, the others are not needed.
    core = _core(candidates, strikes, sorted(strikes, key=str))
    if core is None:
        strikes.update(_groups(problem, item, occupied))
        core = _core(candidates, strikes, sorted(strikes, key=str))
    if core is None:
        return []
    kept = _minimal(candidates, strikes, core)
    kept.sort(key=lambda key: (ORDER.index(key[0]), str(key)))
    by_id = {other["id"]: other for other in occupied}
    return [_reason(problem, item, key, by_id, problem.forum.tz) for key in kept]


def explain(problem, placements):
    """{panel id: [reason]} for the items ``placements`` leaves out."""
    occupied = [
        {
            "id": f.id,
            "title": f.title,
            "room": f.room_id,
            "start": f.start,
            "end": f.end,
            "speakers": f.speakers,
            "pinned": f.pinned,
        }
        for f in problem.fixed
    ]
    items = {item.id: item for item in problem.items}
    for panel_id, (room_id, slot) in placements.items():
        start, end = problem.slot_span(slot, items[panel_id].length)
        occupied.append(
            {
                "id": panel_id,
                "title": items[panel_id].title,
                "room": room_id,
                "start": start,
                "end": end,
                "speakers": items[panel_id].speakers,
                "pinned": False,
            }
        )
    return {
        item.id: blocking_constraints(problem, item, occupied) for item in problem.items if item.id not in placements
    }


def _names(names):
    return ", ".join(names) if names else "—"


def describe(reason):
    """One reason as a sentence in the active language."""
    code = reason.get("code")
    if code == "availability":
        return _("%(speaker)s is available only %(windows)s.") % {
            "speaker": reason["speaker"],
            "windows": _names(reason["windows"]),
        }
    if code == "capacity":
        if not reason["rooms"]:
            return _("It needs %(seats)s seats and no room is that large.") % {"seats": reason["seats"]}
        return ngettext(
            "It needs %(seats)s seats, which only %(rooms)s has.",
            "It needs %(seats)s seats, which only %(rooms)s have.",
            len(reason["rooms"]),
        ) % {"seats": reason["seats"], "rooms": _names(reason["rooms"])}
    if code == "interpretation":
        if not reason["rooms"]:
            return _("It needs interpretation and no room is equipped for it.")
        return _("It needs interpretation, which only %(rooms)s can offer.") % {"rooms": _names(reason["rooms"])}
    if code == "blocked":
        reason = {**reason, "label": reason.get("label") or _("a break or ceremony")}
        if reason.get("room"):
            return _("%(room)s is closed for %(label)s at %(when)s.") % reason
        return _("Every room is closed for %(label)s at %(when)s.") % reason
    if code == "room_taken":
        if reason.get("pinned"):
            return _("%(room)s is taken by “%(title)s” (fixed) at %(when)s.") % reason
        return _("%(room)s is taken by “%(title)s” at %(when)s.") % reason
    if code == "speaker_busy":
        return _("%(speaker)s speaks on “%(title)s” at %(when)s.") % reason
    if code == "hours":
        return _("The forum's days run from %(opens)s to %(closes)s.") % reason
    if code == "too_long":
        return _("It lasts %(minutes)s minutes, longer than a forum day.") % reason
    return _("Not placed within the time limit; a longer search may place it.")
