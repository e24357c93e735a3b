from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_message(message_id):
    services.deliver(message_id=message_id)
