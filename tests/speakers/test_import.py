import io

import openpyxl
import pytest
from django.utils import translation

from speakers import services
from speakers.errors import SpeakerError
from speakers.models import Invitation, Speaker
from tests.factories import SpeakerFactory

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,first_name_latin,last_name_latin,honorific,position,organization,country,email,phone,preferred_language,bio\n"  # noqa: E501
GOOD = [
    "Leyla,Əliyeva,Leyla,Aliyeva,dr,CISO,AzInTelecom,AZ,leyla@demo.example,+994501112233,az,Leads security.\n",
    "Hans,Müller,,,prof,Professor,TU München,DE,hans@demo.example,,en,\n",
]


def _csv(*lines):
    return (HEADER + "".join(lines)).encode()


def test_dry_run_reports_what_would_happen_and_writes_nothing(forum):
    result = services.import_speakers(forum=forum, content=_csv(*GOOD), filename="speakers.csv", dry_run=True)
    assert result.ok and result.created == 2 and result.rows == 2
    assert not Speaker.objects.exists()


def test_import_creates_speakers_with_draft_invitations_and_updates_known_emails(forum):
    SpeakerFactory(email="hans@demo.example", organization="Old Org")
    result = services.import_speakers(forum=forum, content=_csv(*GOOD), filename="speakers.csv", dry_run=False)
    assert result.ok and (result.created, result.updated, result.invitations) == (1, 1, 2)
    leyla = Speaker.objects.get(email="leyla@demo.example")
    assert leyla.last_name == "Əliyeva" and leyla.country.code == "AZ" and leyla.honorific == "dr"
    assert leyla.bio_az == "Leads security."
    assert Speaker.objects.get(email="hans@demo.example").organization == "TU München"
    assert Invitation.objects.filter(forum=forum, state=Invitation.State.DRAFT).count() == 2


def test_a_file_with_bad_rows_reports_each_and_imports_nothing(forum, organizer_client):
    bad = [
        GOOD[0],
        "Jane,,,,,,,ZZ,not-an-email,,xx,\n",  # row 3: last name, country, email, language
        "Ali,Veli,,,,,,TR,leyla@demo.example,,,\n",  # row 4: duplicate email in the file
    ]
    result = services.import_speakers(forum=forum, content=_csv(*bad), filename="s.csv", dry_run=False)
    assert not result.ok
    errors = dict(result.errors)
    assert set(errors) == {3, 4}
    assert set(errors[3]) == {"last_name", "country", "email", "preferred_language"}
    assert set(errors[4]) == {"email"}
    assert not Speaker.objects.exists() and not Invitation.objects.exists()
    # The page shows the same report.
    upload = io.BytesIO(_csv(*bad))
    upload.name = "s.csv"
    organizer_client.cookies["django_language"] = "en"
    response = organizer_client.post(f"/organizer/forums/{forum.slug}/speakers/import/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html and "<td>3</td>" in html and "<td>4</td>" in html
    assert not Speaker.objects.exists()


def test_xlsx_import_through_the_page(forum, organizer_client, django_capture_on_commit_callbacks):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["first_name", "last_name", "country", "email", "organization"])
    sheet.append(["Kenji", "Watanabe", "JP", "kenji@demo.example", "JPCERT/CC"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "speakers.xlsx"
    with django_capture_on_commit_callbacks(execute=True):  # the import is a background job
        response = organizer_client.post(
            f"/organizer/forums/{forum.slug}/speakers/import/", {"file": buffer, "create_invitations": "on"}
        )
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert Speaker.objects.get(email="kenji@demo.example").organization == "JPCERT/CC"
    assert Invitation.objects.filter(forum=forum, speaker__email="kenji@demo.example").exists()


def test_unreadable_or_incomplete_files_get_a_clear_error(forum):
    with translation.override("en"):
        with pytest.raises(SpeakerError, match=r"csv or \.xlsx"):
            services.import_speakers(forum=forum, content=b"x", filename="speakers.pdf")
        with pytest.raises(SpeakerError, match="Missing columns"):
            services.import_speakers(forum=forum, content=b"name,mail\nA,b\n", filename="s.csv")
        with pytest.raises(SpeakerError):
            services.import_speakers(forum=forum, content=b"not a zip", filename="s.xlsx")
