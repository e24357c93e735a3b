"""A schedule proposal runs in a real Celery worker (subprocess on Redis, the test's PostgreSQL):
it reports progress, stores its result, and a second delivery of the same task changes nothing."""

import pytest
from django.db import transaction

from panels.models import ScheduleProposal
from panels.solver import proposals
from tests.factories import PanelFactory, RoomFactory, SpeakerFactory
from tests.mailserver import wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_a_worker_solves_a_proposal_and_a_redelivered_task_leaves_it_alone(spawn, broker, forum):
    from panels import services

    RoomFactory(forum=forum, capacity=200)
    RoomFactory(forum=forum, capacity=50)
    speaker = SpeakerFactory()
    drafts = [PanelFactory(forum=forum, planned_minutes=60) for _ in range(6)]
    for panel in drafts[:3]:
        services.add_participant(panel=panel, speaker=speaker)
    with transaction.atomic():
        proposal = proposals.start_proposal(forum=forum, params={"time_limit": 5}, actor=None)
    assert broker.pending() == 1  # on the broker, not run in this process

    worker = spawn("worker")
    wait_for(
        lambda: ScheduleProposal.objects.get(pk=proposal.pk).is_finished,
        timeout=120,
        message="the proposal to finish",
    )
    proposal.refresh_from_db()
    assert proposal.status == ScheduleProposal.Status.DONE, proposal.error
    assert proposal.progress == 100
    assert {change["panel"] for change in proposal.result["changes"]} == {panel.pk for panel in drafts}
    finished_at = proposal.finished_at

    proposals.dispatch(proposal_id=proposal.pk)  # as an acks_late redelivery would
    broker.wait_drained()
    worker.wait_for_output("run_schedule_proposal[", count=2)
    proposal.refresh_from_db()
    assert proposal.finished_at == finished_at and proposal.status == ScheduleProposal.Status.DONE
