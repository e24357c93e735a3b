"""The numbers an organizer judges a proposal by, for the current draft and for the proposal:
attendee conflicts (every attendee counted once per pair of their chosen panels that overlap),
panels in rooms smaller than their expected audience, themes meeting themselves, and changes."""

import datetime

from .. import conflicts as rules


def schedule_of(problem, placements=None):
    """{panel id: (room id, start, end)} of the fixed panels and the items: where the items are now
    (``placements`` None) or where ``placements`` ({id: (room id, slot)}) put them."""
    spans = {f.id: (f.room_id, f.start, f.end) for f in problem.fixed}
    for item in problem.items:
        if placements is None:
            if item.state["start"] and item.state["status"] in ("scheduled", "published"):
                spans[item.id] = (
                    item.state["room_id"],
                    datetime.datetime.fromisoformat(item.state["start"]),
                    datetime.datetime.fromisoformat(item.state["end"]),
                )
        elif item.id in placements:
            room_id, slot = placements[item.id]
            spans[item.id] = (room_id, *problem.slot_span(slot, item.length))
    return spans


def measure(problem, spans):
    seats = {item.id: item.seats for item in problem.items} | {f.id: f.seats for f in problem.fixed}
    themes = {item.id: item.theme_id for item in problem.items} | {f.id: f.theme_id for f in problem.fixed}
    capacity = {room.id: room.capacity for room in problem.rooms}
    conflicts = 0
    for (a, b), count in problem.pair_weights.items():
        if a in spans and b in spans and rules.overlaps(spans[a][1], spans[a][2], spans[b][1], spans[b][2]):
            conflicts += count
    over = sorted(pid for pid, (room_id, _s, _e) in spans.items() if seats.get(pid, 0) > capacity.get(room_id, 0))
    ids = sorted(spans)
    theme_overlaps = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            same_theme = themes.get(a) is not None and themes.get(a) == themes.get(b)
            if same_theme and rules.overlaps(spans[a][1], spans[a][2], spans[b][1], spans[b][2]):
                theme_overlaps += 1
    return {
        "attendee_conflicts": conflicts,
        "over_capacity": len(over),
        "over_capacity_panels": over,
        "theme_overlaps": theme_overlaps,
        "placed": len(spans),
    }


def changes(problem, placements):
    """The items whose room or time the proposal changes, and what to: [dict], in time order."""
    found = []
    for item in problem.items:
        if item.id not in placements:
            continue
        room_id, slot = placements[item.id]
        start, end = problem.slot_span(slot, item.length)
        before = item.state
        if before["start"] == start.isoformat() and before["room_id"] == room_id and before["status"] != "draft":
            continue
        found.append(
            {
                "panel": item.id,
                "title": item.title,
                "room": room_id,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "was": before,
            }
        )
    return sorted(found, key=lambda change: (change["start"], change["room"], change["panel"]))
