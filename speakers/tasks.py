"""Periodic jobs of the speakers app (scheduled by Celery beat); thin wrappers over services."""

from celery import shared_task

from . import services


@shared_task(name="speakers.tasks.send_invitation_reminders", acks_late=True, ignore_result=True)
def send_invitation_reminders():
    """Expire overdue invitations and remind unanswered ones 7, 3 and 1 days before the deadline."""
    return services.send_due_invitation_reminders()


@shared_task(name="speakers.tasks.send_day_before_reminders", acks_late=True, ignore_result=True)
def send_day_before_reminders():
    """Send confirmed speakers their schedule the day before the forum starts."""
    return services.send_day_before_reminders()
