"""One rule for every stored photo (core/uploads.py): type, size, pixel count read from the header
before decoding, re-encoding without metadata, on the RSVP page and in the admin alike."""

import io
import time

import pytest
from django.contrib import admin
from django.forms import modelform_factory
from django.test import RequestFactory
from PIL import Image

from core.uploads import PHOTO_MAX_PIXELS, PHOTO_MAX_SIDE, PhotoFormField
from speakers.models import Speaker
from tests.factories import SpeakerFactory
from tests.speakers.conftest import sent_invitation

pytestmark = pytest.mark.django_db


def _bomb():
    """A few KB of PNG that declares 6300 × 6300 pixels (220 MiB once decoded)."""
    buffer = io.BytesIO()
    Image.new("1", (6300, 6300)).save(buffer, "PNG", optimize=True)
    buffer.seek(0)
    buffer.name = "bomb.png"
    return buffer


def _photo_with_gps():
    buffer = io.BytesIO()
    image = Image.new("RGB", (3000, 2000), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {2: (40, 24, 0)}  # GPS latitude
    image.save(buffer, "JPEG", exif=exif.tobytes())
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


def test_the_bomb_is_small_and_declares_more_pixels_than_the_budget():
    data = _bomb().getvalue()
    assert len(data) < 20_000
    assert PHOTO_MAX_PIXELS < 6300 * 6300


def test_a_photo_declaring_too_many_pixels_is_refused_on_the_rsvp_page_without_decoding_it(client, forum):
    invitation, token = sent_invitation(forum)
    started = time.monotonic()
    response = client.post(f"/rsvp/{token}/", {"action": "profile", "photo": _bomb()})
    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()
    assert time.monotonic() - started < 5
    invitation.speaker.refresh_from_db()
    assert not invitation.speaker.photo


def test_the_admin_speaker_form_uses_the_photo_rule():
    request = RequestFactory().get("/admin/speakers/speaker/add/")
    request.user = type("U", (), {"is_superuser": True, "has_perm": lambda *a: True})()
    form_class = admin.site._registry[Speaker].get_form(request)
    assert isinstance(form_class.base_fields["photo"], PhotoFormField)


def test_a_model_form_stores_the_reencoded_photo_without_metadata():
    speaker = SpeakerFactory()
    form_class = modelform_factory(Speaker, fields=["photo"])
    form = form_class(data={}, files={"photo": _as_upload(_photo_with_gps())}, instance=speaker)
    assert form.is_valid(), form.errors
    form.save()
    speaker.refresh_from_db()
    with Image.open(speaker.photo.path) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == PHOTO_MAX_SIDE
        assert not stored.getexif()
        assert "exif" not in stored.info and "icc_profile" not in stored.info


def test_a_model_form_refuses_the_bomb_and_a_non_image():
    form_class = modelform_factory(Speaker, fields=["photo"])
    for upload in (_bomb(), _named(b"%PDF-1.4 not an image", "photo.png")):
        form = form_class(data={}, files={"photo": _as_upload(upload)}, instance=SpeakerFactory())
        assert not form.is_valid()
        assert "photo" in form.errors


def _named(data, name):
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


def _as_upload(buffer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(buffer.name, buffer.getvalue())
