"""Creating and editing in the console, without the admin: editions, rooms, themes, panels,
speakers and invitations. Forms validate on the server and speak the organizer's language; list
pages run the same number of queries whatever the data."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from forum.models import Forum
from notifications.models import OutboxMessage
from panels.models import Panel
from speakers.models import Invitation, Speaker
from tests.factories import ForumFactory, InvitationFactory, PanelFactory, RoomFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(client, organizer):
    organizer.save()
    client.force_login(organizer)
    client.cookies["django_language"] = "en"
    return client


def test_a_new_edition_is_created_with_its_standard_themes_and_opens_its_rooms(console):
    data = {"name_az": "Forum 2028", "slug": "ncf-2028", "edition": "3", "start_date": "2028-10-10",
            "end_date": "2028-10-11", "day_opens_at": "09:00", "day_closes_at": "18:00", "timezone": "Asia/Baku",
            "city_az": "Bakı", "capacity": "200", "status": "draft"}  # fmt: skip
    response = console.post(reverse("organizer:edition-new"), data)
    forum = Forum.objects.get(slug="ncf-2028")
    assert response["Location"] == reverse("organizer:rooms", args=[forum.slug])
    assert forum.themes.count() == 5


def test_an_invalid_edition_is_refused_on_the_form_and_nothing_is_written(console):
    response = console.post(reverse("organizer:edition-new"), {"name_az": "", "slug": "bad slug"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html and "Please correct the fields marked below." in html
    assert Forum.objects.count() == 0


def test_editing_an_edition_changes_it_in_place(console, forum):
    page = console.get(reverse("organizer:edition-edit", args=[forum.slug]))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update({"capacity": "555", "start_date": forum.start_date.isoformat(), "end_date": forum.end_date.isoformat()})
    for key in ("registration_opens_at", "registration_closes_at"):
        data[key] = data[key].strftime("%Y-%m-%dT%H:%M") if data[key] else ""
    data["day_opens_at"], data["day_closes_at"] = "09:00", "18:00"
    response = console.post(reverse("organizer:edition-edit", args=[forum.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    forum.refresh_from_db()
    assert forum.capacity == 555


def test_rooms_and_themes_are_added_and_edited(console, forum):
    url = reverse("organizer:room-new", args=[forum.slug])
    response = console.post(url, {"name_az": "Zal A", "capacity": "80", "interpretation_languages": ["en"]})
    assert response["Location"] == reverse("organizer:rooms", args=[forum.slug])
    room = forum.rooms.get()
    response = console.post(url, {"name_az": "Zal A", "capacity": "80"})
    assert response.status_code == 400 and "already has a room with this name" in response.content.decode()
    console.post(reverse("organizer:room-edit", args=[forum.slug, room.pk]), {"name_az": "Zal B", "capacity": "90"})
    room.refresh_from_db()
    assert (room.name_az, room.capacity) == ("Zal B", 90)
    console.post(
        reverse("organizer:theme-new", args=[forum.slug]), {"name_az": "AI", "code": "ai", "colour": "#112233"}
    )
    assert forum.themes.filter(code="ai").exists()


def test_rooms_of_another_edition_are_not_found(console, forum):
    other = RoomFactory()
    assert console.get(reverse("organizer:room-edit", args=[forum.slug, other.pk])).status_code == 404


def test_a_panel_is_created_and_edited_with_texts_per_language(console, forum):
    theme = forum.themes.first()
    data = {"title_az": "Açılış", "title_en": "Opening", "description_en": "Welcome", "theme": str(theme.pk),
            "format": "opening", "language": "az", "interpretation": "on", "capacity": ""}  # fmt: skip
    response = console.post(reverse("organizer:panel-new", args=[forum.slug]), data)
    assert response["Location"] == reverse("organizer:panels", args=[forum.slug])
    panel = Panel.objects.get(forum=forum)
    assert (panel.title_en, panel.description_en, panel.interpretation) == ("Opening", "Welcome", True)
    data["title_en"] = "Grand opening"
    console.post(reverse("organizer:panel-edit", args=[forum.slug, panel.pk]), data)
    panel.refresh_from_db()
    assert panel.title_en == "Grand opening"


def _png():
    out = io.BytesIO()
    Image.new("RGB", (900, 900), "teal").save(out, "PNG")
    return SimpleUploadedFile("me.png", out.getvalue(), content_type="image/png")


def test_a_foreign_speaker_is_added_with_a_photo_and_invited_in_forum_time(
    console, forum, django_capture_on_commit_callbacks
):
    data = {"first_name": "Анна", "last_name": "Иванова", "first_name_latin": "Anna", "last_name_latin": "Ivanova",
            "organization_az": "CERT", "country": "KZ", "email": "anna@example.org", "preferred_language": "ru",
            "photo": _png()}  # fmt: skip
    response = console.post(reverse("organizer:speaker-new", args=[forum.slug]), data)
    speaker = Speaker.objects.get(email="anna@example.org")
    assert response["Location"] == reverse("organizer:speaker-invite", args=[forum.slug, speaker.pk])
    assert speaker.photo.name.endswith(".jpg") and speaker.publish_consent is False
    deadline = forum.start_date - datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = console.post(
            response["Location"], {"response_deadline": f"{deadline:%Y-%m-%d}T17:30", "send_now": "on"}
        )
    invitation = Invitation.objects.get(forum=forum, speaker=speaker)
    assert response["Location"] == reverse("speakers:organizer-invitation", args=[forum.slug, invitation.pk])
    local = invitation.response_deadline.astimezone(forum.tz)
    assert (local.date(), local.hour, local.minute) == (deadline, 17, 30)
    assert invitation.state == Invitation.State.SENT
    message = OutboxMessage.objects.get(kind="speaker_invitation")
    assert (message.recipient, message.language) == ("anna@example.org", "ru")


def test_a_broken_photo_is_refused_like_on_the_speakers_own_page_and_nothing_is_saved(console, forum):
    data = {"first_name": "Ali", "last_name": "Veli", "country": "TR", "email": "ali@example.org",
            "preferred_language": "tr", "photo": SimpleUploadedFile("x.jpg", b"not an image")}  # fmt: skip
    response = console.post(reverse("organizer:speaker-new", args=[forum.slug]), data)
    assert response.status_code == 400
    assert "Upload a JPEG, PNG or WebP photo." in response.content.decode()
    assert not Speaker.objects.exists()


def test_the_speaker_form_has_no_public_profile_consent(console, forum):
    html = console.get(reverse("organizer:speaker-new", args=[forum.slug])).content.decode()
    assert "publish_consent" not in html
    assert '<select name="preferred_language"' in html


def test_a_deadline_after_the_forum_is_refused_on_the_field(console, forum):
    speaker = SpeakerFactory()
    late = forum.end_date + datetime.timedelta(days=3)
    response = console.post(
        reverse("organizer:speaker-invite", args=[forum.slug, speaker.pk]), {"response_deadline": f"{late}T10:00"}
    )
    assert response.status_code == 400
    assert "before the forum ends" in response.content.decode()
    assert not Invitation.objects.exists()


def _grow(forum, n):
    room = RoomFactory(forum=forum)
    for _ in range(n):
        panel = PanelFactory(forum=forum, room=room)
        invitation = InvitationFactory(forum=forum)
        from panels.services import add_participant

        add_participant(panel=panel, speaker=invitation.speaker)


@pytest.mark.parametrize(
    ("name", "queries"),
    [("organizer:editions", 6), ("organizer:rooms", 8), ("organizer:panels", 8), ("organizer:speakers", 7)],
)
def test_list_pages_run_the_same_queries_whatever_the_data(console, name, queries, django_assert_num_queries):
    small, large = ForumFactory(), ForumFactory()
    _grow(small, 1)
    _grow(large, 6)
    for forum in (small, large):
        url = reverse(name) if name == "organizer:editions" else reverse(name, args=[forum.slug])
        with django_assert_num_queries(queries):
            assert console.get(url).status_code == 200
