"""Speakers and invitations as the organizers enter them in the console."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from speakers import services
from speakers.errors import SpeakerError
from speakers.forms import OrganizerInvitationForm, OrganizerSpeakerForm
from tests.factories import ForumFactory

pytestmark = pytest.mark.django_db


def _speaker_data(**overrides):
    data = {
        "first_name": "Анна",
        "last_name": "Иванова",
        "first_name_latin": "Anna",
        "last_name_latin": "Ivanova",
        "organization_az": "CERT",
        "position_en": "Head of incident response",
        "country": "KZ",
        "email": "Anna@Example.org",
        "preferred_language": "ru",
    }
    data.update(overrides)
    return data


def test_organizer_creates_a_foreign_speaker_without_a_public_profile():
    form = OrganizerSpeakerForm(data=_speaker_data())
    assert form.is_valid(), form.errors
    assert "publish_consent" not in form.fields
    speaker = services.create_speaker(**form.service_kwargs())
    assert (speaker.latin_name, speaker.email, speaker.preferred_language) == ("Anna Ivanova", "anna@example.org", "ru")
    assert speaker.position_en == "Head of incident response"
    assert speaker.publish_consent is False


def test_a_cyrillic_name_needs_its_latin_form_and_latin_fields_take_latin_only():
    form = OrganizerSpeakerForm(data=_speaker_data(first_name_latin="", last_name_latin="Иванова"))
    assert not form.is_valid()
    assert set(form.errors) == {"first_name_latin", "last_name_latin"}
    # Azerbaijani and Turkish letters are Latin.
    assert OrganizerSpeakerForm(data=_speaker_data(first_name="Əli", last_name="Şahin", first_name_latin="",
                                                   last_name_latin="")).is_valid()  # fmt: skip


def test_preferred_language_is_chosen_from_the_site_languages():
    form = OrganizerSpeakerForm(data=_speaker_data(preferred_language="German"))
    assert not form.is_valid() and "preferred_language" in form.errors


def test_editing_keeps_the_speakers_own_consent():
    form = OrganizerSpeakerForm(data=_speaker_data())
    assert form.is_valid()
    speaker = services.create_speaker(**form.service_kwargs(), publish_consent=True)
    form = OrganizerSpeakerForm(data=_speaker_data(organization_az="KZ-CERT"), instance=speaker)
    assert form.is_valid()
    services.update_speaker(speaker=speaker, **form.service_kwargs())
    speaker.refresh_from_db()
    assert speaker.organization == "KZ-CERT" and speaker.publish_consent is True


def test_a_photo_goes_through_the_same_check_as_the_speakers_own_upload():
    speaker = services.create_speaker(**_valid_kwargs())
    with pytest.raises(SpeakerError) as error:
        services.update_profile(speaker=speaker, photo=SimpleUploadedFile("x.jpg", b"not an image"))
    assert error.value.code == "photo_type"
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), "navy").save(out, "PNG")
    services.update_profile(speaker=speaker, photo=SimpleUploadedFile("p.png", out.getvalue()))
    speaker.refresh_from_db()
    assert speaker.photo.name.endswith(".jpg")


def _valid_kwargs():
    form = OrganizerSpeakerForm(data=_speaker_data())
    assert form.is_valid()
    return form.service_kwargs()


def test_invitation_deadline_is_typed_in_forum_time():
    forum = ForumFactory(start_date=datetime.date.today() + datetime.timedelta(days=60))
    speaker = services.create_speaker(**_valid_kwargs())
    day = forum.start_date - datetime.timedelta(days=10)
    form = OrganizerInvitationForm(forum=forum, data={"response_deadline": f"{day:%Y-%m-%d}T18:00"})
    assert form.is_valid(), form.errors
    invitation = services.create_invitation(
        forum=forum, speaker=speaker, response_deadline=form.cleaned_data["response_deadline"]
    )
    local = invitation.response_deadline.astimezone(forum.tz)
    assert (local.date(), local.hour, local.minute) == (day, 18, 0)
    assert invitation.response_deadline.astimezone(datetime.UTC).hour == 14
