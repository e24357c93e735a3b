"""Celery tasks of core: thin, they take ids and call a service."""

from celery import shared_task
from django.conf import settings

from . import jobs


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=settings.JOBS_TIME_LIMIT_SECONDS,
    time_limit=settings.JOBS_TIME_LIMIT_SECONDS + 60,
)
def run_job(job_id):
    """Run one background job (a badges PDF, a speaker import...). Safe to deliver twice: only the
    delivery that claims the job runs it."""
    jobs.run(job_id=job_id)


@shared_task(ignore_result=True)
def sweep_jobs():
    """Every minute: publish jobs the broker missed, requeue those of lost workers, expire files."""
    return jobs.sweep()
