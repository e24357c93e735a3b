"""Large speaker imports: the dry run stays in the request (quick, a fixed number of queries, writes
nothing); the import itself is a background job whose page reports each row: created or updated,
draft invitation or not, and the errors row by row when the file is refused."""

import io
import time

import pytest
from django.urls import reverse

from core import jobs
from core.models import Job
from speakers import services
from speakers.models import Invitation, Speaker
from tests.factories import InvitationFactory, SpeakerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

HEADER = "first_name,last_name,first_name_latin,last_name_latin,country,email,organization,preferred_language\n"


def _rows(count, start=0):
    return "".join(f"Ali{i},Veli{i},,,AZ,person{i}@example.org,Org {i},en\n" for i in range(start, start + count))


def _csv(text):
    return (HEADER + text).encode()


def _upload(content, name="speakers.csv"):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _page(forum):
    return reverse("speakers:organizer-import", args=[forum.slug])


@pytest.fixture
def staff(organizer_client):
    organizer_client.cookies["django_language"] = "en"
    return organizer_client


def test_the_dry_run_answers_in_the_request_with_a_fixed_number_of_queries(forum, staff, django_assert_num_queries):
    SpeakerFactory(email="person3@example.org")
    for count in (10, 2000):
        with django_assert_num_queries(9):  # session, user, permissions, the forum, existing emails
            response = staff.post(_page(forum), {"file": _upload(_csv(_rows(count))), "dry_run": "on"})
        assert response.status_code == 200
        assert "Dry run: the file is valid." in response.content.decode()
    assert Speaker.objects.count() == 1 and not Job.objects.exists()


def test_the_import_is_a_job_whose_page_lists_each_row(forum, staff, django_capture_on_commit_callbacks):
    known = SpeakerFactory(email="person1@example.org", organization_az="Old")
    InvitationFactory(forum=forum, speaker=known)  # already invited: updated, no second invitation
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(_page(forum), {"file": _upload(_csv(_rows(3))), "create_invitations": "on"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("organizer:job", args=[forum.slug, job.pk])
    job.refresh_from_db()
    assert job.kind == "speaker_import" and job.state == "done" and job.started_by is not None
    assert (job.result["created"], job.result["updated"], job.result["invitations"]) == (2, 1, 2)
    assert [row[3:] for row in job.result["outcomes"]] == [["created", True], ["updated", False], ["created", True]]
    assert (
        Speaker.objects.get(email="person1@example.org").organization_az == "Org 1"
    )  # the import writes the Azerbaijani text
    assert Invitation.objects.filter(forum=forum).count() == 3
    assert not job.input_file or not jobs._storage().exists(job.input_file)  # the upload is not kept

    html = staff.get(response["Location"]).content.decode()
    assert 'data-count="created">2<' in html and 'data-count="invitations">2<' in html
    assert html.count('data-outcome="created"') == 2 and html.count('data-outcome="updated"') == 1
    assert "person2@example.org" in html and "draft invitation" in html


def test_rows_refused_by_the_job_are_listed_one_by_one_and_nothing_is_kept(forum, staff):
    """The page checks the file first; this file reaches the job unchecked (as one changed between
    the check and the run would), and the job's own check reports each row."""
    bad = _rows(2) + "Jane,,,,ZZ,not-an-email,,xx\n" + _rows(1, start=1)  # row 4: 4 problems, row 5: same email
    job = services.start_import(forum=forum, content=_csv(bad), filename="s.csv", by=None)
    jobs.run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and "Nothing was imported: 2 rows have errors." in job.message
    errors = dict(job.result["errors"])
    assert set(errors) == {4, 5}
    assert set(errors[4]) == {"last_name", "country", "email", "preferred_language"}
    assert not Speaker.objects.exists() and not Invitation.objects.exists()
    html = staff.get(reverse("organizer:job", args=[forum.slug, job.pk])).content.decode()
    assert "Fix these rows" in html and 'data-row="4"' in html and 'data-row="5"' in html


def test_a_forum_too_close_to_invite_anyone_is_said_by_the_dry_run(forum, staff, settings):
    import datetime

    from django.utils import timezone

    type(forum).objects.filter(pk=forum.pk).update(
        start_date=timezone.localdate() - datetime.timedelta(days=3),
        end_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    response = staff.post(_page(forum), {"file": _upload(_csv(_rows(2))), "create_invitations": "on"})
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode() and not Job.objects.exists()


def test_outcomes_of_a_large_import_are_shown_a_hundred_rows_at_a_time(forum, staff):
    job = services.start_import(forum=forum, content=_csv(_rows(250)), filename="s.csv", create_invitations=False)
    jobs.run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "done" and job.result["created"] == 250 and job.result["invitations"] == 0
    url = reverse("organizer:job", args=[forum.slug, job.pk])
    first, last = staff.get(url).content.decode(), staff.get(url + "?page=3").content.decode()
    assert first.count("data-outcome=") == 100 and last.count("data-outcome=") == 50
    assert "Page 3 of 3" in last and staff.get(url + "?page=%C2%B2").status_code == 200


@pytest.mark.parametrize("rows", [5000])
def test_five_thousand_speakers_import_in_the_background_in_batches(forum, rows, django_assert_max_num_queries):
    """Bench: the job imports 5,000 new speakers with their draft invitations; the writes go 500
    rows at a time, so the queries stay far below one per row."""
    job = services.start_import(forum=forum, content=_csv(_rows(rows)), filename="s.csv")
    started = time.monotonic()
    with django_assert_max_num_queries(rows // 5):
        jobs.run(job_id=job.pk)
    took = time.monotonic() - started
    job.refresh_from_db()
    assert job.state == "done", job.message
    assert (job.result["created"], job.result["invitations"]) == (rows, rows)
    assert Speaker.objects.count() == rows and Invitation.objects.filter(forum=forum).count() == rows
    assert took < 240, f"{rows} rows took {took:.0f} s"
    print(f"\n{rows} speakers imported by the job in {took:.1f} s")
