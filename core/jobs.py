"""Background jobs: organizer work that takes longer than a request may (a badges PDF of a whole
edition, an import of thousands of speakers), run by a Celery worker with its progress shown.

The flow, the same for every kind:

1. An app declares its kinds in a receiver of ``job_kinds_declared`` (its receivers.py): the
   runner (a dotted path, so core imports no app), the permission that starts and reads it, the template
   that shows its result.
2. A view calls the app's service, which calls :func:`start_job`: a ``Job`` row (queued) and,
   when the work reads an upload, the upload in the private storage. The task is published once
   the transaction commits; a broker that is down leaves the row queued for the sweeper.
3. The worker claims the job (``queued`` → ``running``, ``attempts`` + 1) and calls the runner
   with a :class:`Progress`, which writes ``done``/``total`` at most twice a second. Progress is
   written through a connection of its own when the runner works inside one long transaction
   (an import that is all or nothing), so the organizers see it move before the commit.
4. The runner returns a :class:`JobResult`; its file goes to the private storage and the job
   ends ``done`` or ``failed`` with a message in the language of the organizer who started it.

A worker lost mid-job leaves a ``running`` job whose heartbeat stops: the sweeper (every minute)
gives it back to the queue, at most ``JOBS_MAX_ATTEMPTS`` times, then marks it failed. Result and
input files are deleted ``JOBS_KEEP_DAYS`` after the job ends (they carry personal data).
"""

import datetime
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import Job

logger = logging.getLogger(__name__)

State = Job.State

PROGRESS_INTERVAL_SECONDS = 0.5


class JobError(DomainError):
    code = "job"


# --- kinds ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobKind:
    code: str
    label: str
    runner: str  # "app.module.function", called with job= and progress=
    permission: str  # what starting, reading and downloading need ("registration.view_registration")
    result_template: str = ""  # included on the job's page once it has ended
    nav: str = ""  # the console navigation item the job's page belongs to


# Sent (sender: Job) with no argument whenever the kinds are read. Each app returns the
# ``JobKind`` objects it runs from its receivers.py (core imports no app).
job_kinds_declared = Signal()


def _kinds():
    kinds = {}
    for _receiver, answer in job_kinds_declared.send(sender=Job):
        for kind in answer or ():
            kinds[kind.code] = kind
    return kinds


def job_kind(code):
    try:
        return _kinds()[code]
    except KeyError:
        raise JobError(_("Unknown kind of job: %s") % code, code="job_kind") from None


def job_kinds():
    return _kinds()


def kinds_for(user):
    """The kinds whose jobs ``user`` may start and see."""
    return [kind.code for kind in _kinds().values() if user.has_perm(kind.permission)]


def may_see(user, job):
    kind = _kinds().get(job.kind)
    return kind is not None and user.has_perm(kind.permission)


# --- what a runner gets and gives back ---------------------------------------------------------


@dataclass
class JobResult:
    """What a runner returns: a JSON summary for the result page, an optional file, a message."""

    summary: dict = field(default_factory=dict)
    content: bytes | None = None
    filename: str = ""
    message: str = ""
    failed: bool = False


class Progress:
    """``done`` out of ``total``, and a short message, written to the job as the runner works.

    Writes are spaced by ``PROGRESS_INTERVAL_SECONDS`` (the last one is forced) and each is also
    the job's heartbeat. Inside a transaction on PostgreSQL they go through a second connection
    in autocommit, so they are visible at once and survive the runner's rollback; elsewhere (the
    SQLite demo, a runner outside a transaction) through the usual one.
    """

    def __init__(self, job, attempt):
        self.job_id = job.pk
        self.attempt = attempt
        self.done = 0
        self.total = 0
        self.message = ""
        self._written_at = 0.0
        self._side = None

    def start(self, total, message=None):
        self.total = max(0, int(total))
        self.done = 0
        if message is not None:
            self.message = str(message)[:500]
        self._write(force=True)

    def advance(self, count=1, message=None):
        self.done += count
        if message is not None:
            self.message = str(message)[:500]
        self._write()

    def note(self, message):
        self.message = str(message)[:500]
        self._write(force=True)

    def _values(self):
        total = max(self.total, 0)
        done = min(max(self.done, 0), total) if total else 0
        return done, total

    def _write(self, force=False):
        now = time.monotonic()
        if not force and now - self._written_at < PROGRESS_INTERVAL_SECONDS:
            return
        self._written_at = now
        done, total = self._values()
        try:
            if connection.vendor == "postgresql" and connection.in_atomic_block:
                self._write_aside(done, total)
            else:
                Job.objects.filter(pk=self.job_id, attempts=self.attempt, state=State.RUNNING).update(
                    progress_done=done, progress_total=total, message=self.message, heartbeat_at=timezone.now()
                )
        except (OperationalError, InterfaceError):  # progress is a courtesy; the work goes on
            logger.warning("Could not write the progress of job %s", self.job_id, exc_info=True)

    def _write_aside(self, done, total):
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        quote = self._side.ops.quote_name
        table = quote(Job._meta.db_table)
        sql = (
            f"UPDATE {table} SET {quote('progress_done')} = %s, {quote('progress_total')} = %s, "  # noqa: S608 - names from the model
            f"{quote('message')} = %s, {quote('heartbeat_at')} = %s "
            f"WHERE {quote('id')} = %s AND {quote('attempts')} = %s AND {quote('state')} = %s"
        )
        with self._side.cursor() as cursor:
            cursor.execute(sql, [done, total, self.message, timezone.now(), self.job_id, self.attempt, State.RUNNING])

    def close(self):
        if self._side is not None:
            self._side.close()
            self._side = None


# --- storage ----------------------------------------------------------------------------------


def _storage():
    return storages["private"]


def read_input(job):
    """The bytes of the upload the job works on."""
    if not job.input_file:
        raise JobError(_("This job has no input file."), code="job_input")
    with _storage().open(job.input_file, "rb") as handle:
        return handle.read()


def _delete(name):
    if name:
        try:
            _storage().delete(name)
        except Exception:  # a file already gone, or a bucket hiccup: the sweeper's next pass tries again
            logger.warning("Could not delete the job file %s", name, exc_info=True)


def open_result(job):
    """The result file for the guarded download (the caller has checked access)."""
    if not job.has_file or not _storage().exists(job.result_file):
        raise JobError(_("The file of this job is no longer kept."), code="job_file_gone", status=404)
    return _storage(), job.result_file


# --- starting ---------------------------------------------------------------------------------


def start_job(*, kind, forum, by=None, params=None, input_content=None, input_name="", language=None):
    """Queue a job of ``kind`` for ``forum``; the worker starts it once the transaction commits."""
    spec = job_kind(kind)
    params = params or {}
    try:
        json.dumps(params)
    except (TypeError, ValueError) as exc:
        raise JobError(_("The job's parameters must be JSON."), code="job_params") from exc
    stored = ""
    if input_content is not None:
        suffix = PurePosixPath(input_name or "").suffix.lower()[:10]
        stored = _storage().save(f"jobs/input/{uuid.uuid4().hex}{suffix}", ContentFile(input_content))
    job = Job.objects.create(
        kind=spec.code,
        forum=forum,
        started_by=by if by is not None and by.is_authenticated else None,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        params=params,
        input_file=stored,
        dispatched_at=timezone.now(),
    )
    job_id = job.pk
    transaction.on_commit(lambda: dispatch(job_id=job_id))
    return job


def dispatch(*, job_id, countdown=None):
    """Hand the job to the workers; never raises into the caller. Returns True when published."""
    from .tasks import run_job

    try:
        if countdown:
            run_job.apply_async((job_id,), countdown=countdown)
        else:
            run_job.delay(job_id)
    except Exception:
        if run_job.app.conf.task_always_eager:
            raise
        logger.warning("Could not dispatch job %s; the sweeper will retry", job_id, exc_info=True)
        Job.objects.filter(pk=job_id, state=State.QUEUED).update(dispatched_at=None)
        return False
    return True


# --- running ----------------------------------------------------------------------------------


def _claim(job_id, now):
    """queued → running (or a running job whose worker went silent). Returns (job, attempt)."""
    stale = now - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    changes = {"state": State.RUNNING, "attempts": F("attempts") + 1, "started_at": now, "heartbeat_at": now}
    claimable = Job.objects.filter(pk=job_id, attempts__lt=settings.JOBS_MAX_ATTEMPTS)
    claimed = claimable.filter(state=State.QUEUED).update(**changes) or claimable.filter(
        state=State.RUNNING, heartbeat_at__lt=stale
    ).update(**changes)
    if not claimed:
        return None, None
    job = Job.objects.select_related("forum", "started_by").get(pk=job_id)
    return job, job.attempts


def run(*, job_id):
    """Run one job if it is still to be run. Returns the job, or None when there was nothing to do."""
    now = timezone.now()
    job, attempt = _claim(job_id, now)
    if job is None:
        return None
    progress = Progress(job, attempt)
    with translation.override(job.language):
        try:
            spec = job_kind(job.kind)
            outcome = import_string(spec.runner)(job=job, progress=progress)
        except DomainError as exc:
            outcome = JobResult(failed=True, message=exc.message, summary={"error": exc.as_dict()})
        except (OperationalError, InterfaceError):
            logger.warning("Job %s met a database error; it goes back to the queue", job_id, exc_info=True)
            progress.close()
            return _give_back(job, attempt)
        except Exception as exc:
            logger.exception("Job %s (%s) failed", job_id, job.kind)
            outcome = JobResult(failed=True, message=_failure_message(exc))
        finally:
            progress.close()
        return _finish(job, attempt, progress, outcome)


def _failure_message(exc):
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return _("The job took too long and was stopped. Nothing was kept; try a smaller selection.")
    return _(
        "An unexpected error stopped the job. Nothing was kept; start it again, or tell the site's administrators."
    )


def _give_back(job, attempt):
    """A transient failure (the database went away): queue it again, or fail after the last try."""
    if attempt >= settings.JOBS_MAX_ATTEMPTS:
        _end(job, attempt, state=State.FAILED, message=_("The job failed several times and was given up."))
        return job
    if Job.objects.filter(pk=job.pk, attempts=attempt, state=State.RUNNING).update(
        state=State.QUEUED, dispatched_at=timezone.now()
    ):
        dispatch(job_id=job.pk, countdown=min(60, 5 * 2**attempt))
    return job


def _end(job, attempt, **changes):
    changes.setdefault("finished_at", timezone.now())
    return Job.objects.filter(pk=job.pk, attempts=attempt, state=State.RUNNING).update(**changes)


def _finish(job, attempt, progress, outcome):
    stored, size = "", 0
    if outcome.content is not None and not outcome.failed:
        filename = get_valid_filename(outcome.filename or f"job-{job.pk}")
        stored = _storage().save(f"jobs/{job.pk}/{filename}", ContentFile(outcome.content))
        size = len(outcome.content)
    done, total = progress._values()
    if not outcome.failed:
        done = total
    ended = _end(
        job,
        attempt,
        state=State.FAILED if outcome.failed else State.DONE,
        message=str(outcome.message)[:500],
        result=outcome.summary,
        result_file=stored,
        result_filename=get_valid_filename(outcome.filename) if stored else "",
        result_size=size,
        progress_done=done,
        progress_total=total,
    )
    if not ended:  # another attempt owns the job now (this worker was taken for lost): its result stands
        _delete(stored)
        return None
    _delete(job.input_file)
    job.refresh_from_db()
    return job


# --- the sweeper ------------------------------------------------------------------------------


def sweep(*, now=None):
    """Every minute: publish queued jobs the broker never got, give jobs of lost workers back to
    the queue (or fail them after the last attempt), delete files past their keeping time."""
    now = now or timezone.now()
    counts = {"dispatched": 0, "reclaimed": 0, "failed": 0, "deleted": 0}
    waited = now - datetime.timedelta(seconds=settings.JOBS_REDISPATCH_SECONDS)
    lost = Job.objects.filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=waited), state=State.QUEUED)
    for job_id in lost.values_list("pk", flat=True)[:100]:
        Job.objects.filter(pk=job_id, state=State.QUEUED).update(dispatched_at=now)
        counts["dispatched"] += dispatch(job_id=job_id)
    stale = now - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    silent = Job.objects.filter(state=State.RUNNING, heartbeat_at__lt=stale)
    for job in silent.only("pk", "attempts", "language", "input_file")[:100]:
        if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
            with translation.override(job.language):
                message = _("The worker running this job stopped, several times; the job was given up.")
            if _end(job, job.attempts, state=State.FAILED, message=message):
                _delete(job.input_file)
                counts["failed"] += 1
        elif Job.objects.filter(pk=job.pk, attempts=job.attempts, state=State.RUNNING, heartbeat_at__lt=stale).update(
            state=State.QUEUED, dispatched_at=now
        ):
            counts["reclaimed"] += 1
            dispatch(job_id=job.pk)
    kept_since = now - datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    old = Job.objects.filter(finished_at__lt=kept_since, file_deleted_at__isnull=True)
    for job in old.only("pk", "result_file", "input_file")[:500]:
        _delete(job.result_file)
        _delete(job.input_file)
        Job.objects.filter(pk=job.pk).update(file_deleted_at=now, input_file="")
        counts["deleted"] += 1
    return counts


# --- reading ----------------------------------------------------------------------------------


def forum_jobs(*, forum, kinds, limit=50):
    """The edition's latest jobs of the given kinds, for the list page (without their results)."""
    return list(
        Job.objects.filter(forum=forum, kind__in=kinds)
        .select_related("started_by")
        .defer("result", "params")
        .order_by("-created_at", "-id")[:limit]
    )


def forum_job(*, forum, pk, with_result=True):
    """One job of the edition (None when there is none); without its result for the status answer
    the page polls (an import's report of thousands of rows stays in the database)."""
    found = Job.objects.select_related("forum", "started_by").filter(forum=forum, pk=pk)
    return (found if with_result else found.defer("result", "params")).first()


def status(job):
    """What the progress page polls."""
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "message": job.message,
        "finished": job.finished,
    }
