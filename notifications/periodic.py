"""Periodic jobs of the outbox (registered by core.beat)."""

PERIODIC_TASKS = [
    ("Outbox: sweep due and stuck messages", "notifications.tasks.sweep_outbox", ("minutes", 1), 55),
]
