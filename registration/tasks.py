"""Periodic jobs of registration (scheduled with Celery beat by the notifications app). Thin:
each calls one service."""

from celery import shared_task

from . import services


@shared_task(name="registration.tasks.expire_holds", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def expire_holds():
    return services.expire_holds()


@shared_task(name="registration.tasks.promote_waitlist", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def promote_waitlist():
    return services.promote_waitlist()


@shared_task(
    name="registration.tasks.send_day_before_reminders",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def send_day_before_reminders():
    return services.send_day_before_reminders()
