"""Background jobs in Chromium: the printing page starts a badges PDF and the job's page follows it
by itself (the script the CSP allows polls the status and reloads on the end), and every new page
(printing, the job list, a job queued, running, done, failed, an import's report) passes axe-core
at 390 px in the four languages, and at 1366 px, without sideways scrolling."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core import jobs
from core.models import Job
from organizer import documents
from registration import services as registration_services
from speakers import services as speaker_services
from tests.e2e.conftest import horizontal_overflow, log_in
from tests.e2e.test_console import axe_violations
from tests.factories import ForumFactory, RoomFactory, register_attendee
from tests.panels.conftest import placed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IMPORT = (
    "first_name,last_name,country,email,organization\n"
    "Leyla,Əliyeva,AZ,leyla@example.org,CERT.az\n"
    "Hans,Müller,DE,hans@example.org,Technische Universität München – Lehrstuhl für IT-Sicherheit\n"
)
BAD_IMPORT = "first_name,last_name,country,email\nJane,,ZZ,not-an-email\nAli,Veli,TR,ali@example.org\n"


@pytest.fixture
def edition(transactional_db):
    forum = ForumFactory()
    room = RoomFactory(forum=forum, name="Main Hall")
    placed(forum, room, 0, "10:00", "11:00", publish=True)
    for number, surname in enumerate(["Əliyeva", "Abbasov", "Zeynalova-Mustafayeva"]):
        person = register_attendee(forum, last_name=surname, email=f"p{number}@example.org")
        registration_services.confirm(token=person.raw_token)
    return forum


def _jobs(forum):
    """A job in each state the pages show (the eager runs happen at once, outside a transaction)."""
    done = documents.start_badges(forum=forum)
    imported = speaker_services.start_import(forum=forum, content=IMPORT.encode(), filename="s.csv")
    refused = speaker_services.start_import(forum=forum, content=BAD_IMPORT.encode(), filename="s.csv")
    running = Job.objects.create(
        kind=documents.BADGES_JOB, forum=forum, state="running", progress_done=40, progress_total=120,
        message="Drawing the badges", attempts=1,
    )  # fmt: skip
    queued = Job.objects.create(kind=documents.PROGRAM_JOB, forum=forum)
    for job in (done, imported, refused):
        job.refresh_from_db()
    assert (done.state, imported.state, refused.state) == ("done", "done", "failed")
    return [done, imported, refused, running, queued]


def _paths(forum, items):
    slug = forum.slug
    return [
        reverse("organizer:printing", args=[slug]),
        reverse("organizer:jobs", args=[slug]),
        reverse("speakers:organizer-import", args=[slug]),
        *(reverse("organizer:job", args=[slug, job.pk]) for job in items),
    ]


@pytest.mark.parametrize(("language", "width"), [("az", 390), ("en", 390), ("ru", 390), ("tr", 390), ("az", 1366)])
def test_the_job_pages_pass_axe_and_fit_the_screen(live_server, page, organizer, edition, language, width):
    items = _jobs(edition)
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + reverse("organizer:jobs", args=[edition.slug]))
    log_in(page, organizer)
    problems = {}
    for path in _paths(edition, items):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found = axe_violations(page)
        overflow = horizontal_overflow(page)
        if found or overflow > 0:
            problems[path] = {"axe": found, "overflow": overflow}
    assert problems == {}


def test_the_job_page_follows_the_job_by_itself_and_shows_the_result(live_server, page, organizer, edition):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + reverse("organizer:printing", args=[edition.slug]))
    log_in(page, organizer)
    job = Job.objects.create(kind=documents.BADGES_JOB, forum=edition, params={"layout": "sheet"}, language="en")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + reverse("organizer:job", args=[edition.slug, job.pk]))
    expect(page.locator("[data-job-state]")).to_have_text("Queued")

    Job.objects.filter(pk=job.pk).update(state="running", attempts=1, progress_done=1, progress_total=3)
    expect(page.locator("[data-job-state]")).to_have_text("Running", timeout=15_000)
    expect(page.locator("[data-job-count]")).to_have_text("1 of 3")
    assert page.locator("progress").evaluate("bar => [bar.value, bar.max]") == [1, 3]

    Job.objects.filter(pk=job.pk).update(state="queued", attempts=0)  # let the real run claim it
    jobs.run(job_id=job.pk)
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=15_000)
    expect(page.locator(".job-result")).to_contain_text("3 badges, 1 page.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename == f"badges-{edition.slug}.pdf"
    assert errors == []  # the script ran under the page's Content-Security-Policy


def test_badges_are_ordered_from_the_printing_page(live_server, page, organizer, edition):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + reverse("organizer:printing", args=[edition.slug]))
    log_in(page, organizer)
    page.get_by_label("One A6 badge per page (badge printers, pre-cut cards)").check()
    page.get_by_role("button", name="Make the badges PDF").click()
    # No broker in browser tests: the job ran in the request, and its page shows the result.
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    job = Job.objects.get()
    assert job.params["layout"] == "single" and job.result["pages"] == 3
