"""Automatic scheduling on generated editions: a 500-panel forum and a 20-panel one.

Needs PostgreSQL. Environment (defaults in brackets):

* ``BENCH_DATABASE_URL`` [postgres://postgres@127.0.0.1:5432/forum_bench_solver]: created when
  missing and migrated; the editions are generated once (bulk inserts) and reused.
* ``BENCH_SOLVER_SECONDS`` [45]: the solver's time limit on the large edition (2 workers).

Large edition: 3 days of 08:00–20:00, 12 rooms (80 to 1,500 seats, five with interpretation),
500 panels (30, 45 or 60 minutes, 2–4 speakers each, a third with interpretation), 1,500 speakers
(four in ten state availability: one day, two days or a half day), 20,000 confirmed registrations
choosing 1–5 panels each with skewed popularity. Measured: time to load, to the first and the
final solution, to explain what stayed out, and the score against the greedy first-fit by
audience on the same data. Small edition: 20 panels, 3 rooms, 2 days, 600 registrations; the
solver must prove its answer optimal within 5 s. Results go to ``bench/results/solver.md`` and
``bench/results/solver.json``.
"""

import datetime
import os
import platform
import random
import time
from collections import Counter

from bench import RESULTS
from bench.server import setup_django

LARGE = {"slug": "bench-solver-500", "days": 3, "rooms": 12, "panels": 500, "speakers": 1500, "registrations": 20000}
SMALL = {"slug": "bench-solver-20", "days": 2, "rooms": 3, "panels": 20, "speakers": 50, "registrations": 600}
ROOM_SEATS = [1500, 800, 400, 400, 250, 250, 250, 250, 150, 150, 120, 80]


def _setup():
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/forum_bench_solver")
    setup_django({"DATABASE_URL": url}, keys=("DATABASE_URL",), drop=("CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL"))


def _generate(spec, seed):
    """The edition of ``spec``, made with bulk inserts (the services would take far longer)."""
    from forum.models import Forum, Room, Theme
    from panels.models import Availability, Panel, Participation
    from registration.models import Registration
    from speakers.models import Speaker

    forum = Forum.objects.filter(slug=spec["slug"]).first()
    if forum is not None:
        return forum
    rng = random.Random(seed)
    start = datetime.date(2027, 5, 10)
    forum = Forum.objects.create(
        name=spec["slug"], slug=spec["slug"], edition=1, year=2027, start_date=start,
        end_date=start + datetime.timedelta(days=spec["days"] - 1), day_opens_at=datetime.time(8),
        day_closes_at=datetime.time(20), city="Baku", capacity=spec["registrations"],
    )  # fmt: skip
    seats = ROOM_SEATS[: spec["rooms"]] if spec["rooms"] > 3 else [400, 200, 100]
    Room.objects.bulk_create(
        Room(forum=forum, name=f"Room {i + 1}", capacity=cap, order=i, interpretation_languages=["en"] if i < 5 else [])
        for i, cap in enumerate(seats)
    )
    themes = Theme.objects.bulk_create(Theme(forum=forum, code=f"t{i}", name=f"Theme {i}", order=i) for i in range(8))
    speakers = Speaker.objects.bulk_create(
        Speaker(first_name=f"First{i}", last_name=f"Last{i}", email=f"{spec['slug']}-{i}@example.org", country="AZ")
        for i in range(spec["speakers"])
    )
    windows = []
    for speaker in speakers:
        roll = rng.random()
        if roll >= 0.4:
            continue  # no stated availability: available all forum long
        days = forum.days
        if roll < 0.2:
            chosen = [(rng.choice(days), datetime.time(8), datetime.time(20))]
        elif roll < 0.3:
            chosen = [(day, datetime.time(8), datetime.time(20)) for day in rng.sample(days, min(2, len(days)))]
        else:
            half = rng.choice([(datetime.time(8), datetime.time(14)), (datetime.time(13), datetime.time(20))])
            chosen = [(rng.choice(days), *half)]
        for day, opens, closes in chosen:
            windows.append(
                Availability(speaker=speaker, forum=forum, start=forum.local_datetime(day, opens),
                             end=forum.local_datetime(day, closes))
            )  # fmt: skip
    Availability.objects.bulk_create(windows)
    formats = ["opening", "closing"] + ["keynote"] * 10 + ["workshop"] * 20
    panels = []
    for i in range(spec["panels"]):
        fmt = formats[i] if i < len(formats) else "panel"
        minutes = rng.choices([30, 45, 60], weights=[3, 5, 2])[0]
        panels.append(
            Panel(forum=forum, title=f"Panel {i + 1}", title_az=f"Panel {i + 1}", theme=rng.choice(themes),
                  format=fmt, planned_minutes=minutes, interpretation=rng.random() < 0.33)
        )  # fmt: skip
    panels = Panel.objects.bulk_create(panels)
    participations = []
    for panel in panels:
        for order, speaker in enumerate(rng.sample(speakers, rng.randint(2, 4))):
            participations.append(Participation(panel=panel, speaker=speaker, order=order))
    Participation.objects.bulk_create(participations)
    registrations = Registration.objects.bulk_create(
        Registration(
            forum=forum, first_name="A", last_name=f"B{i}", email=f"{spec['slug']}-a{i}@example.org",
            organization="Org", position="Analyst", country="AZ", category="academia", consent=True,
            status="confirmed", badge_code=f"{spec['slug'][-3:]}{i:07d}",
        )
        for i in range(spec["registrations"])
    )  # fmt: skip
    # Skewed popularity, capped so the most wanted panel still fits the largest room.
    weights = [min(rng.lognormvariate(0, 0.8), 5.0) for _ in panels]
    through = Registration.panels.through
    chosen = []
    for registration in registrations:
        for panel in set(rng.choices(panels, weights=weights, k=rng.randint(1, 5))):
            chosen.append(through(registration_id=registration.pk, panel_id=panel.pk))
    through.objects.bulk_create(chosen, batch_size=10000)
    return forum


def _run(forum, **overrides):
    from panels.solver import explain, model, problem, score
    from panels.solver.params import SolverParams

    params = SolverParams(**overrides).validated()
    started, cpu_started = time.monotonic(), time.process_time()
    loaded = problem.load(forum=forum, params=params)
    load_seconds = time.monotonic() - started
    greedy_started = time.monotonic()
    greedy = model.greedy(loaded)
    greedy_seconds = time.monotonic() - greedy_started
    solution = model.solve(loaded, hint=greedy)
    explain_started = time.monotonic()
    unplaced = explain.explain(loaded, solution.placements)
    explain_seconds = time.monotonic() - explain_started
    total = time.monotonic() - started
    cpu = time.process_time() - cpu_started  # this process's CPU time, the solver's threads included
    proposed = score.measure(loaded, score.schedule_of(loaded, solution.placements))
    baseline = score.measure(loaded, score.schedule_of(loaded, greedy))
    return {
        "panels": len(loaded.items),
        "params": params.as_json(),
        "load_seconds": round(load_seconds, 2),
        "greedy_seconds": round(greedy_seconds, 2),
        "solve_seconds": round(solution.seconds, 2),
        "first_solution_seconds": round(solution.first_solution_seconds or 0, 2),
        "explain_seconds": round(explain_seconds, 2),
        "total_seconds": round(total, 2),
        "cpu_seconds": round(cpu, 2),
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.bound,
        "proposal": {k: v for k, v in proposed.items() if k != "over_capacity_panels"},
        "greedy": {k: v for k, v in baseline.items() if k != "over_capacity_panels"},
        "unplaced_explained": sum(1 for reasons in unplaced.values() if reasons),
        # Left out whatever else is placed: their blocking set holds no other panel.
        "unplaced_by_own_constraints": sum(
            1 for reasons in unplaced.values() if reasons and all(r["code"] in explain.STATIC for r in reasons)
        ),
        "reason_codes": dict(Counter(r["code"] for reasons in unplaced.values() for r in reasons)),
        "unplaced": len(unplaced),
        "trace": solution.trace[-10:],
    }


def main():
    _setup()
    import json

    large_forum = _generate(LARGE, seed=500)
    small_forum = _generate(SMALL, seed=20)
    seconds = int(os.environ.get("BENCH_SOLVER_SECONDS", "45"))
    small = _run(small_forum, time_limit=5, workers=2)
    large = _run(large_forum, time_limit=seconds, workers=2)
    result = {
        "date": datetime.date.today().isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_average": os.getloadavg()},
        "small": small,
        "large": large,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "solver.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Automatic scheduling benchmark\n\n",
        "Reproduce with `make bench BENCH=solver` (see `bench/bench_solver.py` for the data and the\n",
        "environment). CP-SAT limited to 2 workers; the baseline is the greedy first fit by audience\n",
        "(most-wanted panel first, earliest start, smallest room that fits) on the same data.\n\n",
        f"Measured {result['date']} on {result['machine']['cpus']} CPUs, Python {result['machine']['python']}, "
        f"load average {result['machine']['load_average'][0]:.1f} at the end (other work on the machine takes "
        "part of the CPUs: compare the CPU time this process used with the wall-clock time).\n\n",
        "| edition | placed | attendee conflicts (proposal / greedy) | theme overlaps (proposal / greedy) "
        "| over capacity | status | first solution | total time | not placed (by their own constraints) |\n",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    ]
    for name, run in (("20 panels, 3 rooms, 2 days, 600 registrations", small),
                      ("500 panels, 12 rooms, 3 days, 1,500 speakers, 20,000 registrations", large)):  # fmt: skip
        lines.append(
            f"| {name} | {run['proposal']['placed']} of {run['panels']} (greedy {run['greedy']['placed']}) "
            f"| {run['proposal']['attendee_conflicts']} / {run['greedy']['attendee_conflicts']} "
            f"| {run['proposal']['theme_overlaps']} / {run['greedy']['theme_overlaps']} "
            f"| {run['proposal']['over_capacity']} | {run['status']} | {run['first_solution_seconds']} s "
            f"| {run['total_seconds']} s (load {run['load_seconds']} s, solve {run['solve_seconds']} s, "
            f"explain {run['explain_seconds']} s; {run['cpu_seconds']} s of CPU) "
            f"| {run['unplaced']} ({run['unplaced_by_own_constraints']}) |\n"
        )
    (RESULTS / "solver.md").write_text("".join(lines))
    print("".join(lines))
