"""Background jobs run by real Celery workers (subprocesses on Redis, sharing the test database
and the private file folder): the organizer's request only queues the work, the page's status
answer shows the progress while the worker is at it, and a worker killed mid-job is replaced
without the work being done twice."""

import io
import time

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from core import jobs
from core.models import Job
from registration.models import Registration
from speakers.models import Invitation, Speaker
from tests.factories import ForumFactory, OrganizerFactory
from tests.mailserver import wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def organizers():
    from django.contrib.auth.models import Group, Permission

    from core.permissions import ORGANIZERS_GROUP

    group, _created = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["forum", "registration", "speakers", "panels"])
    )
    client = Client()
    client.force_login(OrganizerFactory())
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def files_env(settings):
    """The worker reads and writes the same private folder as this (web) process."""
    return {"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}


def _follow(client, forum, job_id, *, timeout):
    """Poll the job's status answer as the page's script does; every answer seen, in order."""
    url = reverse("organizer:job-status", args=[forum.slug, job_id])
    seen = []

    def finished():
        status = client.get(url).json()
        seen.append(status)
        return status["finished"]

    wait_for(finished, timeout=timeout, interval=0.1, message=f"job {job_id} to end")
    return seen


def _moving(seen):
    return [s for s in seen if s["state"] == "running" and 0 < s["done"] < s["total"]]


def test_a_badges_pdf_is_made_by_the_worker_with_its_progress_shown(spawn, organizers, files_env):
    forum = ForumFactory()
    Registration.objects.bulk_create(
        Registration(forum=forum, first_name="Aysel", last_name=f"Surname{n:03}", email=f"p{n}@example.org",
                     organization="ADA", position="-", country="AZ", category="academia", status="confirmed",
                     consent=True, badge_code=f"CODE{n:06}")
        for n in range(120)
    )  # fmt: skip
    response = organizers.post(
        reverse("organizer:printing", args=[forum.slug]), {"what": "badges", "status": "confirmed", "layout": "sheet"}
    )
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.state == "queued"  # the request only queued it: no worker yet
    spawn("worker", env=files_env)
    seen = _follow(organizers, forum, job.pk, timeout=240)
    assert seen[-1]["state"] == "done" and seen[-1]["done"] == seen[-1]["total"] == 120
    assert _moving(seen), seen  # at least once the page saw it part way (40 or 80 of 120)
    download = organizers.get(reverse("organizer:job-file", args=[forum.slug, job.pk]))
    assert download.status_code == 200
    assert len(PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages) == 30


def _csv(count):
    header = "first_name,last_name,country,email,organization\n"
    return (header + "".join(f"Ali{i},Veli{i},AZ,p{i}@example.org,Org {i}\n" for i in range(count))).encode()


def test_five_thousand_speakers_import_behind_a_quick_request_with_progress(spawn, organizers, files_env):
    forum = ForumFactory()
    spawn("worker", env=files_env)
    upload = io.BytesIO(_csv(5000))
    upload.name = "speakers.csv"
    started = time.monotonic()
    response = organizers.post(
        reverse("speakers:organizer-import", args=[forum.slug]), {"file": upload, "create_invitations": "on"}
    )
    request_took = time.monotonic() - started
    assert response.status_code == 302
    assert request_took < 15, f"the request took {request_took:.1f} s"  # far below the 30 s worker timeout
    job = Job.objects.get()
    seen = _follow(organizers, forum, job.pk, timeout=300)
    assert seen[-1]["state"] == "done", seen[-1]
    assert _moving(seen), "the progress never showed part way"
    assert Speaker.objects.count() == 5000 and Invitation.objects.filter(forum=forum).count() == 5000
    page = organizers.get(response["Location"]).content.decode()
    assert 'data-count="created">5000<' in page and "Page 1 of 50" in page


def test_a_worker_killed_mid_import_is_replaced_and_the_rows_are_imported_once(spawn, organizers, files_env, settings):
    settings.JOBS_STALE_SECONDS = 15
    env = {**files_env, "JOBS_STALE_SECONDS": "15"}
    forum = ForumFactory()
    first = spawn("worker", env=env)
    upload = io.BytesIO(_csv(5000))
    upload.name = "speakers.csv"
    organizers.post(
        reverse("speakers:organizer-import", args=[forum.slug]), {"file": upload, "create_invitations": "on"}
    )
    job = Job.objects.get()
    wait_for(
        lambda: Job.objects.filter(pk=job.pk, state="running", progress_done__gt=0).exists(),
        timeout=120,
        interval=0.1,
        message="the import to be under way",
    )
    first.kill()  # mid-import: its transaction is rolled back with the connection
    assert Speaker.objects.count() == 0
    job.refresh_from_db()
    assert job.state == "running" and job.attempts == 1  # for now it looks alive
    assert jobs.sweep()["reclaimed"] == 0
    wait_for(lambda: jobs.sweep()["reclaimed"] == 1, timeout=60, interval=1, message="the silent job to be given back")
    spawn("worker", env=env)
    seen = _follow(organizers, forum, job.pk, timeout=300)
    job.refresh_from_db()
    assert seen[-1]["state"] == "done" and job.attempts == 2
    assert Speaker.objects.count() == 5000 and Invitation.objects.filter(forum=forum).count() == 5000
