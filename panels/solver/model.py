"""The CP-SAT model of a ``Problem``, its solution, and the greedy first-fit used as a start.

Hard constraints: each placed panel takes one allowed room and one allowed start; rooms hold one
panel at a time (fixed panels and one-room breaks included); a speaker's panels stand apart by the
changeover gap. A panel may stay unplaced, at a cost larger than every soft goal together, so the
model is always feasible and the panels left out are the ones to explain.
"""

import concurrent.futures
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..conflicts import merge_windows
from .problem import room_allowed

KEY_FORMATS = ("keynote", "opening")


@dataclass
class Solution:
    placements: dict  # {panel id: (room id, start slot)}
    status: str
    objective: int | None
    bound: int | None
    seconds: float
    first_solution_seconds: float | None = None
    trace: list = field(default_factory=list)  # [(seconds, objective)]

    @property
    def optimal(self):
        return self.status == "OPTIMAL"


def greedy(problem):
    """First fit by audience: the most-wanted panels first, each at the earliest allowed start in
    the smallest allowed room that is free and whose speakers are free. The baseline of the bench."""
    room_busy = defaultdict(list)
    speaker_busy = defaultdict(list)
    capacity = {room.id: room.capacity for room in problem.rooms}
    for fixed in problem.fixed:
        if fixed.first is None:
            continue
        room_busy[fixed.room_id].append((fixed.first, fixed.last))
        for speaker in fixed.speakers:
            speaker_busy[speaker].append((fixed.first, fixed.last + problem.gap))
    for blocked in problem.blocked:
        if blocked.room_id is not None:
            first, last = problem.covering(blocked.start, blocked.end)
            if first is not None:
                room_busy[blocked.room_id].append((first, last))

    def free(spans, a, b):
        return all(b <= x or y <= a for x, y in spans)

    placements = {}
    for item in sorted(problem.items, key=lambda i: (-i.audience, i.id)):
        rooms = sorted(item.rooms, key=lambda r: (capacity[r], r))
        for start in item.starts:
            end = start + item.length
            if not all(free(speaker_busy[s], start, end + problem.gap) for s in item.speakers):
                continue
            room = next((r for r in rooms if free(room_busy[r], start, end)), None)
            if room is None:
                continue
            placements[item.id] = (room, start)
            room_busy[room].append((start, end))
            for speaker in item.speakers:
                speaker_busy[speaker].append((start, end + problem.gap))
            break
    return placements


class _Model:
    def __init__(self, problem):
        self.problem = problem
        self.m = cp_model.CpModel()
        self.placed, self.start, self.room_lits, self.day_lits = {}, {}, {}, {}
        self.terms = []  # (weight, linear expression) minimised
        self.penalty_total = 0

    def build(self, hint=None):
        p, m = self.problem, self.m
        room_intervals = defaultdict(list)
        speaker_intervals = defaultdict(list)
        for item in p.items:
            placed = m.new_bool_var(f"placed_{item.id}")
            self.placed[item.id] = placed
            rooms = [room for room in p.rooms if room.id in item.rooms and room_allowed(item, room)]
            if not item.starts or not rooms:
                m.add(placed == 0)
                starts = [0]
            else:
                starts = item.starts
            start = m.new_int_var_from_domain(cp_model.Domain.from_values(starts), f"start_{item.id}")
            self.start[item.id] = start
            lits = {}
            for room in rooms:
                lit = m.new_bool_var(f"room_{item.id}_{room.id}")
                lits[room.id] = lit
                room_intervals[room.id].append(
                    m.new_optional_fixed_size_interval_var(start, item.length, lit, f"in_{item.id}_{room.id}")
                )
            m.add(sum(lits.values()) == placed)
            self.room_lits[item.id] = lits
            if item.speakers:
                busy = m.new_optional_fixed_size_interval_var(start, item.length + p.gap, placed, f"busy_{item.id}")
                for speaker in item.speakers:
                    speaker_intervals[speaker].append(busy)
            days = {}
            for index in range(len(p.days)):
                in_day = [s for s in starts if s // p.stride == index]
                if not in_day or not rooms:
                    continue
                lit = m.new_bool_var(f"day_{item.id}_{index}")
                m.add_linear_constraint(start, index * p.stride, index * p.stride + p.stride - 1).only_enforce_if(lit)
                days[index] = lit
            m.add(sum(days.values()) == placed)
            self.day_lits[item.id] = days
        # Fixed panels and breaks, merged per room and per speaker: two fixed panels that already
        # clash (the grid flags them) must not make the whole model infeasible.
        room_fixed, speaker_fixed = defaultdict(list), defaultdict(list)
        for fixed in p.fixed:
            if fixed.first is None:
                continue
            room_fixed[fixed.room_id].append((fixed.first, fixed.last))
            for speaker in fixed.speakers:
                speaker_fixed[speaker].append((fixed.first, fixed.last + p.gap))
        for blocked in p.blocked:
            first, last = p.covering(blocked.start, blocked.end)
            if first is None:
                continue
            for room_id in [blocked.room_id] if blocked.room_id is not None else [room.id for room in p.rooms]:
                room_fixed[room_id].append((first, last))
        for fixed_spans, intervals in ((room_fixed, room_intervals), (speaker_fixed, speaker_intervals)):
            for key, spans in fixed_spans.items():
                if key not in intervals:
                    continue
                for first, last in merge_windows(spans):
                    intervals[key].append(m.new_fixed_size_interval_var(first, last - first, ""))
        for intervals in list(room_intervals.values()) + list(speaker_intervals.values()):
            if len(intervals) > 1:
                m.add_no_overlap(intervals)
        self._soft_goals()
        # Leaving a panel out costs more than all the soft goals together.
        unplaced_cost = self.penalty_total + 1
        objective = sum(weight * expr for weight, expr in self.terms)
        objective += sum(unplaced_cost * (1 - placed) for placed in self.placed.values())
        m.minimize(objective)
        if hint:
            for item in p.items:
                chosen = hint.get(item.id)
                m.add_hint(self.placed[item.id], chosen is not None)
                if chosen is not None:
                    m.add_hint(self.start[item.id], chosen[1])
                    for room_id, lit in self.room_lits[item.id].items():
                        m.add_hint(lit, room_id == chosen[0])
                    for index, lit in self.day_lits[item.id].items():
                        m.add_hint(lit, chosen[1] // p.stride == index)
        return self

    def _penalty(self, weight, expr, most):
        if weight > 0:
            self.terms.append((weight, expr))
            self.penalty_total += weight * most

    def _soft_goals(self):
        p, m, w = self.problem, self.m, self.problem.params.weights
        items = {item.id: item for item in p.items}
        fixed = {f.id: f for f in p.fixed if f.first is not None}
        pairs = self._weighted_pairs(items, fixed)
        for (a, b), weight in pairs:
            overlap = m.new_bool_var("")
            if b in items:
                before, after = m.new_bool_var(""), m.new_bool_var("")
                m.add(self.start[a] + items[a].length <= self.start[b]).only_enforce_if(before)
                m.add(self.start[b] + items[b].length <= self.start[a]).only_enforce_if(after)
                m.add_bool_or([before, after, overlap, ~self.placed[a], ~self.placed[b]])
            else:
                other = fixed[b]
                before, after = m.new_bool_var(""), m.new_bool_var("")
                m.add(self.start[a] + items[a].length <= other.first).only_enforce_if(before)
                m.add(self.start[a] >= other.last).only_enforce_if(after)
                m.add_bool_or([before, after, overlap, ~self.placed[a]])
            self._penalty(weight, overlap, 1)
        # Themes spread over the days: the gap between a theme's busiest and quietest day.
        by_theme = defaultdict(list)
        for item in p.items:
            if item.theme_id is not None:
                by_theme[item.theme_id].append(item)
        for theme_id, members in by_theme.items():
            if len(members) < 2 or len(p.days) < 2:
                continue
            counts = []
            for index in range(len(p.days)):
                fixed_count = sum(
                    1
                    for f in p.fixed
                    if f.theme_id == theme_id and f.first is not None and f.first // p.stride == index
                )
                counts.append(sum(self.day_lits[i.id].get(index, 0) for i in members) + fixed_count)
            total = len(members) + len(p.days) * 0
            high, low = m.new_int_var(0, total * 2, ""), m.new_int_var(0, total * 2, "")
            for count in counts:
                m.add(high >= count)
                m.add(low <= count)
            self._penalty(w["theme_spread"], high - low, total)
        # Keynotes and openings in the largest room.
        if p.rooms:
            largest = max(room.capacity for room in p.rooms)
            for item in p.items:
                if item.format in KEY_FORMATS:
                    big = [
                        lit
                        for room_id, lit in self.room_lits[item.id].items()
                        if p.room_by_id[room_id].capacity == largest
                    ]
                    self._penalty(w["keynote_room"], self.placed[item.id] - sum(big), 1)
        # Fewest changes to the current draft.
        for item in p.items:
            if item.current is None:
                continue
            room_id, slot = item.current
            same_time = m.new_bool_var("")
            m.add(self.start[item.id] == slot).only_enforce_if(same_time)
            self._penalty(w["changes"], 1 - same_time, 1)
            if room_id in self.room_lits[item.id] and w["changes"] >= 2:
                self._penalty(w["changes"] // 2, 1 - self.room_lits[item.id][room_id], 1)

    def _weighted_pairs(self, items, fixed):
        """The pairs whose overlap costs something, heaviest first, at most ``max_pairs``."""
        p, w = self.problem, self.problem.params.weights
        weights = defaultdict(int)
        if w["attendee_conflicts"]:
            for (a, b), count in p.pair_weights.items():
                if a in items or b in items:
                    a, b = (a, b) if a in items else (b, a)
                    if b in items or b in fixed:
                        weights[(a, b)] += count * w["attendee_conflicts"]
        if w["theme_overlap"]:
            by_theme = defaultdict(list)
            for item in items.values():
                by_theme[item.theme_id].append(item.id)
            for f in fixed.values():
                by_theme[f.theme_id].append(f.id)
            for theme_id, members in by_theme.items():
                if theme_id is None:
                    continue
                for i, a in enumerate(members):
                    for b in members[i + 1 :]:
                        if a in items:
                            weights[(a, b)] += w["theme_overlap"]
                        elif b in items:
                            weights[(b, a)] += w["theme_overlap"]
        ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[: p.params.max_pairs]


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, started):
        super().__init__()
        self.started = started
        self.trace = []

    def on_solution_callback(self):
        self.trace.append((time.monotonic() - self.started, int(self.objective_value)))


def solve(problem, *, on_progress=None, hint=None):
    """Solve within ``params.time_limit`` seconds on ``params.workers`` threads.

    ``on_progress(fraction)`` is called from the calling thread about once a second while the solver
    runs (the solver itself runs in a helper thread so the caller can report progress)."""
    started = time.monotonic()
    hint = greedy(problem) if hint is None else hint
    model = _Model(problem).build(hint=hint)
    solver = cp_model.CpSolver()
    params = problem.params
    solver.parameters.max_time_in_seconds = float(params.time_limit)
    solver.parameters.num_workers = params.workers
    solver.parameters.random_seed = params.seed
    callback = _Progress(started)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(solver.solve, model.m, callback)
        while True:
            try:
                status = future.result(timeout=1)
                break
            except concurrent.futures.TimeoutError:
                if on_progress:
                    on_progress(min((time.monotonic() - started) / max(params.time_limit, 1), 1.0))
    name = solver.status_name(status)
    placements = {}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for item in problem.items:
            if solver.boolean_value(model.placed[item.id]):
                room_id = next(r for r, lit in model.room_lits[item.id].items() if solver.boolean_value(lit))
                placements[item.id] = (room_id, solver.value(model.start[item.id]))
    else:
        placements = hint
    return Solution(
        placements=placements,
        status=name,
        objective=int(solver.objective_value) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None,
        bound=int(solver.best_objective_bound) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None,
        seconds=time.monotonic() - started,
        first_solution_seconds=callback.trace[0][0] if callback.trace else None,
        trace=callback.trace,
    )
