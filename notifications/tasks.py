"""Celery tasks of the outbox: thin, they take ids and call a service."""

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown

from . import mailconnection, services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_message(message_id):
    """Send one outbox message (routed to the "mail" queue). Safe to run twice."""
    services.deliver(message_id=message_id)


@shared_task(ignore_result=True)
def sweep_outbox():
    """Every minute: re-dispatch due messages, reclaim claims of lost workers."""
    return services.sweep()


@worker_process_shutdown.connect
@worker_shutdown.connect
def close_mail_connections(**kwargs):
    """A stopping worker (pool child or main process) ends its SMTP sessions with QUIT."""
    mailconnection.close_all()
