"""Badges of an edition as one print-ready PDF, made by a background job from the printing page:
page count and size read back with pypdf, the QR codes read from the rendered pages with a real QR
reader (zxing-cpp on pdftoppm's image), cut marks found in the pixels, and who may see the job and
its file. The door list and the program as PDFs too."""

import io
import shutil
import subprocess

import pytest
import zxingcpp
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from core.models import Job
from organizer import documents
from registration import services as registration_services
from registration.models import Registration
from tests.conftest import _missing
from tests.factories import (
    ForumFactory,
    OrganizerFactory,
    RoomFactory,
    SpeakerFactory,
    UserFactory,
    register_attendee,
)
from tests.panels.conftest import placed

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

A4 = (595, 842)  # points
A6 = (298, 420)
MM = 72 / 25.4  # points per millimetre

SURNAMES = ["Zeynalova", "Abbasov", "Məmmədov", "Quliyeva", "Həsənov", "İsmayılova", "Babayev", "Nəsirova", "Orucov"]


@pytest.fixture
def pdftoppm():
    path = shutil.which("pdftoppm")
    if not path:
        _missing("pdftoppm is not installed (make system-deps installs poppler-utils)")
    return path


@pytest.fixture
def staff():
    client = Client()
    client.force_login(OrganizerFactory())
    client.cookies["django_language"] = "en"
    return client


def _people(forum, surnames=SURNAMES, *, confirm=True, **overrides):
    people = []
    for surname in surnames:
        email = f"{forum.slug}-{len(Registration.objects.filter(forum=forum))}@example.org"
        person = register_attendee(forum, last_name=surname, email=email, **overrides)
        if confirm:
            registration_services.confirm(token=person.raw_token)
        people.append(person)
    return people


def _render(pdftoppm, pdf, tmp_path, page, dpi=150):
    source = tmp_path / "badges.pdf"
    source.write_bytes(pdf)
    prefix = tmp_path / f"page-{page}"
    subprocess.run(
        [pdftoppm, "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), str(source), str(prefix)],
        check=True,
        timeout=60,
    )
    (image,) = sorted(tmp_path.glob(f"page-{page}*.png"))
    return Image.open(image).convert("L")


def _qr_texts(image):
    return sorted(code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode)


def _size(page):
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def _make(staff, forum, django_capture_on_commit_callbacks, **data):
    """Ask the printing page for a PDF; the job runs (eagerly) once the request's work commits."""
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("organizer:printing", args=[forum.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.latest("id")
    assert response["Location"] == reverse("organizer:job", args=[forum.slug, job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    download = staff.get(reverse("organizer:job-file", args=[forum.slug, job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= {part.strip() for part in download["Cache-Control"].split(",")}
    return job, b"".join(download.streaming_content)


def test_a4_sheets_hold_four_badges_with_cut_marks_and_each_qr_reads_as_the_badge_code(
    staff, pdftoppm, tmp_path, django_capture_on_commit_callbacks
):
    forum = ForumFactory()
    people = _people(forum)
    data = {"what": "badges", "status": "confirmed", "layout": "sheet"}
    job, pdf = _make(staff, forum, django_capture_on_commit_callbacks, **data)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3  # nine badges, four to a sheet
    assert {_size(page) for page in reader.pages} == {A4}
    assert job.result["badges"] == 9 and job.result["pages"] == 3

    by_surname = sorted(people, key=lambda p: p.last_name)
    image = _render(pdftoppm, pdf, tmp_path, 1)
    assert _qr_texts(image) == sorted(p.badge_code for p in by_surname[:4])
    assert len(_qr_texts(_render(pdftoppm, pdf, tmp_path, 3))) == 1  # the ninth, alone on the last sheet
    assert "Abbasov" in reader.pages[0].extract_text() and by_surname[-1].last_name in reader.pages[2].extract_text()

    # Cut marks: dark ticks on the cut lines (105 mm across, 148.5 mm down) at the sheet's edges,
    # and white paper beside them.
    px = image.width / 210  # pixels per millimetre

    def dark(x_mm, y_mm):  # any dark pixel within half a millimetre
        x, y, r = round(x_mm * px), round(y_mm * px), round(px / 2)
        return min(image.crop((x - r, y - r, x + r + 1, y + r + 1)).getdata()) < 100

    assert dark(105, 3) and dark(105, 294) and dark(105, 146) and dark(105, 151)  # the vertical cut
    assert dark(3, 148.5) and dark(207, 148.5) and dark(102, 148.5)  # the horizontal cut
    assert not dark(100, 3) and not dark(3, 140)


def test_one_badge_per_a6_page_and_its_qr_is_the_badge_code(
    staff, pdftoppm, tmp_path, django_capture_on_commit_callbacks
):
    forum = ForumFactory()
    people = _people(forum, SURNAMES[:3])
    _job, pdf = _make(staff, forum, django_capture_on_commit_callbacks, what="badges", status="", layout="single")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3 and {_size(page) for page in reader.pages} == {A6}
    first = min(people, key=lambda p: p.last_name)
    assert _qr_texts(_render(pdftoppm, pdf, tmp_path, 1, dpi=200)) == [first.badge_code]
    # What the desk scans is what check-in accepts.
    assert (
        registration_services.check_in(forum=forum, code=first.badge_code, now=forum.starts_at).registration.pk
        == first.pk
    )


def test_badges_show_the_latin_spelling_a_speakers_record_gives_with_the_name_as_registered():
    forum = ForumFactory()
    (person,) = _people(forum, ["Константинопольский"], first_name="Александр")
    SpeakerFactory(email=person.email.upper(), first_name_latin="Aleksandr", last_name_latin="Konstantinopolsky")
    job = documents.start_badges(forum=forum)
    from core import jobs

    jobs.run(job_id=job.pk)
    job.refresh_from_db()
    text = PdfReader(jobs._storage().open(job.result_file)).pages[0].extract_text()
    assert "Aleksandr" in text and "Konstantinopolsky" in text
    assert "Александр Константинопольский" in text  # the name as registered, in small type
    assert job.result["latin_names"] == 1


def test_the_selection_filters_by_status_category_and_chosen_panel():
    forum = ForumFactory()
    room = RoomFactory(forum=forum)
    panel = placed(forum, room, 0, "10:00", "11:00", publish=True)
    _people(forum, ["Aliyev", "Babayev"], category="media")
    _people(forum, ["Cavadov"], category="academia", panel_ids=[panel.pk])
    _people(forum, ["Dadashov"], confirm=False, category="media")
    cancelled = _people(forum, ["Eyvazov"], category="media")[0]
    registration_services.cancel_by_organizer(registration_id=cancelled.pk, forum=forum)
    from registration.selectors import badge_registrations

    def names(**filters):
        return [r.last_name for r in badge_registrations(forum=forum, **filters)]

    assert names() == ["Aliyev", "Babayev", "Cavadov", "Dadashov"]  # never the cancelled
    assert names(status="confirmed", category="media") == ["Aliyev", "Babayev"]
    assert names(status="pending") == ["Dadashov"]
    assert names(panel=panel.pk) == ["Cavadov"]


def test_nobody_in_the_selection_is_said_at_once_and_starts_no_job(staff):
    forum = ForumFactory()
    _people(forum, ["Aliyev"], category="media")
    response = staff.post(
        reverse("organizer:printing", args=[forum.slug]),
        {"what": "badges", "status": "confirmed", "category": "student", "layout": "sheet"},
    )
    assert response.status_code == 400
    assert "Nobody matches this selection" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"what": "badges", "layout": "poster"},
        {"what": "badges", "layout": "sheet", "panel": "²"},
        {"what": "badges", "layout": "sheet", "status": "cancelled"},
        {"what": "labels"},
    ],
)
def test_bad_choices_are_a_400_not_a_job(staff, data):
    forum = ForumFactory()
    _people(forum, ["Aliyev"])
    assert staff.post(reverse("organizer:printing", args=[forum.slug]), data).status_code == 400
    assert not Job.objects.exists()


def test_the_door_list_and_the_program_come_as_pdfs_too(staff, django_capture_on_commit_callbacks):
    forum = ForumFactory()
    room = RoomFactory(forum=forum, name="Main Hall")
    placed(forum, room, 0, "10:00", "11:00", publish=True, title={"az": "Açılış", "en": "Opening"})
    _people(forum, SURNAMES[:4])
    _job, pdf = _make(staff, forum, django_capture_on_commit_callbacks, what="door_list")
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert _size(reader.pages[0]) == A4
    assert text.index("Abbasov") < text.index("Məmmədov") < text.index("Zeynalova")
    job, pdf = _make(staff, forum, django_capture_on_commit_callbacks, what="program")
    reader = PdfReader(io.BytesIO(pdf))
    assert "Opening" in reader.pages[0].extract_text() or "Açılış" in reader.pages[0].extract_text()
    assert job.result == {"panels": 1, "pages": len(reader.pages)}


# --- who may see a job and its file ------------------------------------------------------------


@pytest.fixture
def made(django_capture_on_commit_callbacks):
    forum = ForumFactory()
    _people(forum, SURNAMES[:2])
    with django_capture_on_commit_callbacks(execute=True):
        job = documents.start_badges(forum=forum, by=OrganizerFactory())
    job.refresh_from_db()
    assert job.state == "done"
    return job


def _job_urls(job):
    args = [job.forum.slug, job.pk]
    return [reverse(name, args=args) for name in ("organizer:job", "organizer:job-status", "organizer:job-file")]


def test_only_organizers_reach_a_job_and_its_file(made):
    urls = _job_urls(made)
    anonymous = Client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/organizer/login/")
    visitor = Client()
    visitor.force_login(UserFactory())  # an account, not staff
    assert {visitor.get(url).status_code for url in urls} == {403}
    desk = UserFactory(is_staff=True)  # staff who may see editions but not registrations
    desk.user_permissions.add(Permission.objects.get(codename="view_forum"))
    clerk = Client()
    clerk.force_login(desk)
    assert {clerk.get(url).status_code for url in urls} == {403}
    assert clerk.get(reverse("organizer:jobs", args=[made.forum.slug])).content.decode().count("data-job=") == 0
    organizer = Client()
    organizer.force_login(OrganizerFactory())
    assert [organizer.get(url).status_code for url in urls] == [200, 200, 200]
    # Another edition's address for the same job is not found.
    other = ForumFactory()
    for name in ("organizer:job", "organizer:job-status", "organizer:job-file"):
        assert organizer.get(reverse(name, args=[other.slug, made.pk])).status_code == 404


def test_the_file_is_never_public(made, settings):
    assert (settings.PRIVATE_MEDIA_ROOT / made.result_file).exists()
    assert not (settings.MEDIA_ROOT / made.result_file).exists()
    organizer = Client()
    organizer.force_login(OrganizerFactory())
    assert organizer.get(f"/{settings.MEDIA_URL}{made.result_file}").status_code == 404
    # The private files' view of the visa letters serves its own folder only.
    assert organizer.get(reverse("visas:private-file", kwargs={"name": made.result_file})).status_code == 404
    page = organizer.get(reverse("organizer:job", args=[made.forum.slug, made.pk])).content.decode()
    assert made.result_file not in page  # the storage name is never shown; the guarded link is
    assert reverse("organizer:job-file", args=[made.forum.slug, made.pk]) in page


def test_the_status_answer_says_how_far_the_job_is(made, staff):
    status = staff.get(reverse("organizer:job-status", args=[made.forum.slug, made.pk])).json()
    assert status["state"] == "done" and status["finished"] is True
    assert (status["done"], status["total"], status["percent"]) == (2, 2, 100)
    queued = documents.start_door_list(forum=made.forum)  # no commit in this test: still queued
    status = staff.get(reverse("organizer:job-status", args=[made.forum.slug, queued.pk])).json()
    assert status["state"] == "queued" and status["finished"] is False
    page = staff.get(reverse("organizer:job", args=[made.forum.slug, queued.pk])).content.decode()
    assert "organizer/job.js" in page and "<progress" in page


def test_the_job_list_keeps_its_query_count(staff, django_assert_num_queries, django_capture_on_commit_callbacks):
    small, large = ForumFactory(), ForumFactory()
    _people(small, SURNAMES[:1])
    _people(large, SURNAMES[:3])
    documents.start_badges(forum=small)
    for _ in range(3):
        documents.start_badges(forum=large, by=OrganizerFactory())
        documents.start_program(forum=large)
    counts = []
    for forum in (small, large):
        url = reverse("organizer:jobs", args=[forum.slug])
        with django_assert_num_queries(7) as captured:
            html = staff.get(url).content.decode()
        counts.append(len(captured))
        assert html.count("data-job=") == Job.objects.filter(forum=forum).count()
    assert counts[0] == counts[1]
    for forum in (small, large):
        with django_assert_num_queries(8):
            assert staff.get(reverse("organizer:printing", args=[forum.slug])).status_code == 200
