"""Periodic jobs of core (registered by core.beat)."""

PERIODIC_TASKS = [
    ("Background jobs: requeue lost ones, delete old files", "core.tasks.sweep_jobs", ("minutes", 1), 55),
]
