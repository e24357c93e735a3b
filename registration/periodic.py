"""Periodic jobs of the registration app (registered by core.beat)."""

PERIODIC_TASKS = [
    ("Registration: expire holds", "registration.tasks.expire_holds", ("minutes", 1), 55),
    ("Registration: promote the waitlist", "registration.tasks.promote_waitlist", ("minutes", 5), 280),
    ("Registration: day-before reminders", "registration.tasks.send_day_before_reminders", ("hours", 1), 3300),
]
