"""The pages of background jobs read in the organizer's language (no English word of the interface
left in az, ru or tr), and a job's messages are written in the language of whoever started it."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core import jobs
from core.models import Job
from organizer import documents
from registration import services as registration_services
from speakers import services as speaker_services
from tests.core.test_untranslated_strings import _english_words
from tests.factories import ForumFactory, OrganizerFactory, register_attendee

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

IMPORT = "first_name,last_name,country,email\nLeyla,Əliyeva,AZ,leyla@example.org\n"
BAD_IMPORT = "first_name,last_name,country,email\nJane,,ZZ,not-an-email\n"


@pytest.fixture
def edition():
    forum = ForumFactory()
    person = register_attendee(forum, last_name="Əliyeva", email="aliyeva@example.org")
    registration_services.confirm(token=person.raw_token)
    return forum


def _jobs(forum, language, capture):
    """A job in each state, started by an organizer reading ``language`` (their messages are in it)."""
    with translation.override(language), capture(execute=True):
        made = [
            documents.start_badges(forum=forum),
            speaker_services.start_import(forum=forum, content=IMPORT.encode(), filename="s.csv"),
            speaker_services.start_import(forum=forum, content=BAD_IMPORT.encode(), filename="s.csv"),
        ]
    running = Job.objects.create(kind="badges", forum=forum, state="running", progress_done=1, progress_total=3)
    return [*made, running]


@pytest.mark.parametrize("language", ["az", "ru", "tr"])
def test_the_job_pages_are_in_the_organizers_language(edition, language, django_capture_on_commit_callbacks):
    forum = edition
    made = _jobs(forum, language, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(OrganizerFactory())
    client.cookies["django_language"] = language
    urls = [
        reverse("organizer:printing", args=[forum.slug]),
        reverse("organizer:jobs", args=[forum.slug]),
        reverse("speakers:organizer-import", args=[forum.slug]),
        *(reverse("organizer:job", args=[forum.slug, job.pk]) for job in made),
    ]
    found = {}
    for url in urls:
        timezone.deactivate()
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = _english_words(response.content.decode(), language)
    assert {url: words for url, words in found.items() if words} == {}


def test_a_jobs_messages_are_in_the_language_of_who_started_it():
    forum = ForumFactory()
    with translation.override("ru"):
        job = speaker_services.start_import(forum=forum, content=BAD_IMPORT.encode(), filename="s.csv")
    jobs.run(job_id=job.pk)
    job.refresh_from_db()
    assert job.language == "ru"
    assert job.message == "Ничего не импортировано: в 1 строке ошибки."
    assert job.result["errors"][0][1]["email"] == "Неверный адрес эл. почты."
