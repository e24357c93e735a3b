"""Celery tasks of the organizer app: thin, they call a service."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def send_organizer_digest():
    """Daily: queue the organizer digest (idempotent per day and organizer)."""
    return len(services.send_organizer_digest())
