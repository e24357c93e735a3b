"""Periodic jobs of the speakers app (registered by core.beat)."""

PERIODIC_TASKS = [
    ("Speakers: invitation reminders", "speakers.tasks.send_invitation_reminders", ("hours", 1), 3300),
    ("Speakers: day-before reminders", "speakers.tasks.send_day_before_reminders", ("hours", 1), 3300),
]
