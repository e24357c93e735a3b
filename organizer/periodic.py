"""Periodic jobs of the organizer app (registered by core.beat)."""

PERIODIC_TASKS = [
    (
        "Outbox: organizer digest",
        "organizer.tasks.send_organizer_digest",
        ("crontab", "0 8 * * *", "Asia/Baku"),
        6 * 3600,
    ),
]
