"""The background job facility (core/jobs.py) on its own: claiming, progress that others see while
the runner is still inside its transaction, results in the private storage, failures, lost
workers given back to the queue, and files deleted after their keeping time."""

import datetime
import threading

import pytest
from django.core.files.storage import storages
from django.db import connection, connections, transaction
from django.utils import timezone

from core import jobs
from core.models import Job
from tests.factories import ForumFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CALLS = []


def _counting_runner(*, job, progress):
    CALLS.append(job.pk)
    progress.start(3, "counting")
    for _ in range(3):
        progress.advance()
    return jobs.JobResult(summary={"n": 3}, content=b"%PDF-1.4 test", filename="out.pdf", message="three")


def _failing_runner(*, job, progress):
    progress.start(10)
    progress.advance(4)
    raise RuntimeError("boom")


def _refusing_runner(*, job, progress):
    raise jobs.JobError("Nobody matches.", code="nobody")


SEEN = {}


def _watched_runner(*, job, progress):
    """Works inside one transaction (as the speaker import does) and asks, from another thread and
    connection, what the job's row says meanwhile."""

    def look():
        try:
            SEEN["row"] = Job.objects.values_list("state", "progress_done", "progress_total").get(pk=job.pk)
        finally:
            connections.close_all()

    with transaction.atomic():
        progress.start(100, "inside")
        progress.advance(40)
        progress._write(force=True)
        watcher = threading.Thread(target=look)
        watcher.start()
        watcher.join(10)
    return jobs.JobResult(summary={})


TEST_KINDS = [
    jobs.JobKind(code, label=code, runner=f"tests.core.test_jobs.{runner}", permission="forum.view_forum")
    for code, runner in (
        ("test_count", "_counting_runner"),
        ("test_fail", "_failing_runner"),
        ("test_refuse", "_refusing_runner"),
        ("test_watch", "_watched_runner"),
    )
]


def _declare_test_kinds(sender, **kwargs):
    return TEST_KINDS


@pytest.fixture(autouse=True)
def kinds():
    jobs.job_kinds_declared.connect(_declare_test_kinds, dispatch_uid="tests.job_kinds")
    CALLS.clear()
    yield
    jobs.job_kinds_declared.disconnect(dispatch_uid="tests.job_kinds")


def test_a_started_job_runs_once_after_the_commit_and_keeps_its_file_private(
    django_capture_on_commit_callbacks, settings
):
    forum = ForumFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_job(kind="test_count", forum=forum)
        assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED  # nothing runs before the commit
    job.refresh_from_db()
    assert (job.state, job.progress_done, job.progress_total, job.message) == ("done", 3, 3, "three")
    assert job.result == {"n": 3} and job.finished_at is not None and job.attempts == 1
    assert job.result_file.startswith(f"jobs/{job.pk}/") and job.result_filename == "out.pdf"
    assert (settings.PRIVATE_MEDIA_ROOT / job.result_file).read_bytes() == b"%PDF-1.4 test"
    assert not (settings.MEDIA_ROOT / job.result_file).exists()
    assert jobs.run(job_id=job.pk) is None  # a second delivery of the task finds nothing to do
    assert [job.pk] == CALLS


def test_a_runner_that_raises_fails_the_job_with_a_message_and_no_file(django_capture_on_commit_callbacks):
    forum = ForumFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_job(kind="test_fail", forum=forum, language="en")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and not job.result_file
    assert job.message.startswith("An unexpected error stopped the job")
    assert (job.progress_done, job.progress_total) == (4, 10)  # where it stopped


def test_a_refusal_of_the_runner_is_the_jobs_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_job(kind="test_refuse", forum=ForumFactory())
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.message == "Nobody matches."
    assert job.result["error"]["code"] == "nobody"


def test_an_upload_is_kept_privately_for_the_job_then_deleted(django_capture_on_commit_callbacks, settings):
    job = jobs.start_job(kind="test_count", forum=ForumFactory(), input_content=b"a,b\n", input_name="x.CSV")
    assert job.input_file.startswith("jobs/input/") and job.input_file.endswith(".csv")
    assert jobs.read_input(job) == b"a,b\n"
    assert (settings.PRIVATE_MEDIA_ROOT / job.input_file).exists()
    jobs.run(job_id=job.pk)
    assert not (settings.PRIVATE_MEDIA_ROOT / job.input_file).exists()


def test_unknown_kinds_and_non_json_parameters_are_refused():
    forum = ForumFactory()
    with pytest.raises(jobs.JobError):
        jobs.start_job(kind="nothing", forum=forum)
    with pytest.raises(jobs.JobError):
        jobs.start_job(kind="test_count", forum=forum, params={"when": timezone.now()})
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_by_others_while_the_runner_is_inside_its_transaction():
    job = jobs.start_job(kind="test_watch", forum=ForumFactory())  # autocommit: dispatched (eagerly) at once
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert SEEN["row"] == ("running", 40, 100)


def test_a_broker_that_is_down_leaves_the_job_queued_for_the_sweeper(monkeypatch, django_capture_on_commit_callbacks):
    from core import tasks

    def refuse(*args, **kwargs):
        raise OSError("broker down")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.run_job, "delay", refuse)
        patch.setitem(tasks.run_job.app.conf, "task_always_eager", False)
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.start_job(kind="test_count", forum=ForumFactory())
        job.refresh_from_db()
        assert job.state == Job.State.QUEUED and job.dispatched_at is None
    assert jobs.sweep()["dispatched"] == 1
    job.refresh_from_db()
    assert job.state == Job.State.DONE


def test_a_job_whose_worker_went_silent_is_given_back_then_given_up(settings):
    job = jobs.start_job(kind="test_count", forum=ForumFactory())
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS + 5)
    Job.objects.filter(pk=job.pk).update(state="running", attempts=1, heartbeat_at=long_ago)
    assert jobs.run(job_id=job.pk) is not None  # a redelivered task may take over a silent job
    job.refresh_from_db()
    assert job.state == "done" and job.attempts == 2

    other = jobs.start_job(kind="test_count", forum=job.forum)
    Job.objects.filter(pk=other.pk).update(state="running", attempts=1, heartbeat_at=timezone.now())
    assert jobs.run(job_id=other.pk) is None  # its worker is alive: left alone
    assert jobs.sweep()["reclaimed"] == 0
    Job.objects.filter(pk=other.pk).update(heartbeat_at=long_ago)
    assert jobs.sweep()["reclaimed"] == 1  # back to the queue and (eagerly) run again
    other.refresh_from_db()
    assert other.state == "done" and other.attempts == 2

    last = jobs.start_job(kind="test_count", forum=job.forum, language="en")
    Job.objects.filter(pk=last.pk).update(state="running", attempts=settings.JOBS_MAX_ATTEMPTS, heartbeat_at=long_ago)
    assert jobs.sweep()["failed"] == 1
    last.refresh_from_db()
    assert last.state == "failed" and "given up" in last.message


def test_a_worker_that_lost_its_claim_does_not_overwrite_the_newer_attempt():
    job = jobs.start_job(kind="test_count", forum=ForumFactory())
    claimed, attempt = jobs._claim(job.pk, timezone.now())
    Job.objects.filter(pk=job.pk).update(attempts=attempt + 1)  # someone took it over meanwhile
    outcome = jobs.JobResult(content=b"late", filename="late.pdf")
    assert jobs._finish(claimed, attempt, jobs.Progress(claimed, attempt), outcome) is None
    job.refresh_from_db()
    assert job.state == "running" and not job.result_file
    assert not storages["private"].exists(f"jobs/{job.pk}/late.pdf")


def test_files_are_deleted_after_their_keeping_time(settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_job(kind="test_count", forum=ForumFactory())
    job.refresh_from_db()
    path = settings.PRIVATE_MEDIA_ROOT / job.result_file
    assert path.exists()
    assert jobs.sweep()["deleted"] == 0
    later = timezone.now() + datetime.timedelta(days=settings.JOBS_KEEP_DAYS, hours=1)
    assert jobs.sweep(now=later)["deleted"] == 1
    job.refresh_from_db()
    assert not path.exists() and not job.has_file and job.file_deleted_at is not None
    with pytest.raises(jobs.JobError):
        jobs.open_result(job)


def test_progress_writes_are_spaced_and_go_aside_inside_a_transaction(monkeypatch):
    job = jobs.start_job(kind="test_count", forum=ForumFactory())
    claimed, attempt = jobs._claim(job.pk, timezone.now())
    progress = jobs.Progress(claimed, attempt)
    writes = []
    monkeypatch.setattr(progress, "_write_aside", lambda done, total: writes.append((done, total)))
    assert connection.in_atomic_block  # the test's own transaction
    progress.start(1000)
    for _ in range(1000):
        progress.advance()
    assert 1 <= len(writes) <= 3  # a thousand steps in well under a second: one write, not a thousand
    progress._write(force=True)
    assert writes[-1] == (1000, 1000)
