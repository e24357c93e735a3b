"""Which storages the environment selects, and that private files never get a public address."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from config.storage import storages
from core.storage import private_file_response, private_storage

PRIVATE_ROOT = Path("/srv/forum/private")


def test_without_a_bucket_media_and_private_files_stay_on_local_disk_apart():
    chosen = storages({}, production=False, private_root=PRIVATE_ROOT)
    assert chosen["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert chosen["private"] == {
        "BACKEND": "core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_ROOT)},
    }
    assert chosen["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert (
        storages({}, production=True, private_root=PRIVATE_ROOT)["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_a_media_bucket_moves_media_to_s3_and_private_files_under_a_private_prefix():
    environ = {
        "MEDIA_S3_BUCKET": "forum-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.test",
        "AWS_S3_REGION_NAME": "eu-central-1",
        "MEDIA_S3_CUSTOM_DOMAIN": "media.forum.example",
    }
    chosen = storages(environ, production=True, private_root=PRIVATE_ROOT)
    assert chosen["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    media = chosen["default"]["OPTIONS"]
    assert media["bucket_name"] == "forum-media" and media["endpoint_url"] == "https://s3.example.test"
    assert media["custom_domain"] == "media.forum.example" and media["querystring_auth"] is False
    assert chosen["private"]["BACKEND"] == "core.private_s3.PrivateS3Storage"
    private = chosen["private"]["OPTIONS"]
    assert private["bucket_name"] == "forum-media" and private["location"] == "private"
    assert private["default_acl"] == "private" and "custom_domain" not in private


def test_a_private_bucket_of_its_own_holds_the_private_files():
    chosen = storages(
        {"MEDIA_S3_BUCKET": "forum-media", "PRIVATE_S3_BUCKET": "forum-private"},
        production=True,
        private_root=PRIVATE_ROOT,
    )
    assert chosen["private"]["OPTIONS"]["bucket_name"] == "forum-private"
    assert chosen["private"]["OPTIONS"]["location"] == ""


def test_the_s3_backends_accept_the_chosen_options_and_private_objects_have_no_url():
    from django.utils.module_loading import import_string

    chosen = storages(
        {"MEDIA_S3_BUCKET": "forum-media", "AWS_S3_ENDPOINT_URL": "https://s3.example.test"},
        production=True,
        private_root=PRIVATE_ROOT,
    )
    media = import_string(chosen["default"]["BACKEND"])(**chosen["default"]["OPTIONS"])
    assert media.bucket_name == "forum-media"
    private = import_string(chosen["private"]["BACKEND"])(**chosen["private"]["OPTIONS"])
    assert private.default_acl == "private"
    with pytest.raises(ValueError):
        private.url("letters/NCF-2026-0001.pdf")


def test_private_files_live_outside_media_and_are_served_only_by_a_view(tmp_path):
    storage = private_storage()
    name = storage.save("letters/NCF-2026-0001.pdf", ContentFile(b"%PDF-1.7 passport"))
    assert Path(storage.path(name)).is_relative_to(tmp_path / "private")
    assert not Path(storage.path(name)).is_relative_to(Path(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        storage.url(name)
    response = private_file_response(name, filename="visa-letter.pdf", content_type="application/pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.7 passport"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
