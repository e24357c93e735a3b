"""Celery tasks of the panels app; thin wrappers over services."""

from celery import shared_task

from .solver import proposals

# The solver stops itself at the proposal's time limit (at most 600 s); these are the backstop.
SOFT_TIME_LIMIT = 15 * 60
TIME_LIMIT = SOFT_TIME_LIMIT + 60


@shared_task(
    name="panels.tasks.run_schedule_proposal",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def run_schedule_proposal(proposal_id):
    """Solve one schedule proposal and store its result (a finished one is left as it is)."""
    return proposals.run_proposal(proposal_id=proposal_id)
