"""Which storages the environment selects, and that private files never get a public address."""

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile

from config.storage import storages


def test_without_a_bucket_media_and_private_files_stay_on_local_disk_apart():
    chosen = storages({}, production=False)
    assert chosen["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert chosen["private"] == {"BACKEND": "visas.storage.PrivateStorage"}
    assert chosen["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert (
        storages({}, production=True)["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_a_media_bucket_moves_media_to_s3_and_private_files_under_a_private_prefix():
    environ = {
        "MEDIA_S3_BUCKET": "forum-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.test",
        "AWS_S3_REGION_NAME": "eu-central-1",
        "MEDIA_S3_CUSTOM_DOMAIN": "media.forum.example",
    }
    chosen = storages(environ, production=True)
    assert chosen["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    media = chosen["default"]["OPTIONS"]
    assert media["bucket_name"] == "forum-media" and media["endpoint_url"] == "https://s3.example.test"
    assert media["custom_domain"] == "media.forum.example" and media["querystring_auth"] is False
    assert chosen["private"]["BACKEND"] == "core.private_s3.PrivateS3Storage"
    private = chosen["private"]["OPTIONS"]
    assert private["bucket_name"] == "forum-media" and private["location"] == "private"
    assert private["default_acl"] == "private" and "custom_domain" not in private


def test_a_private_bucket_of_its_own_holds_the_private_files():
    chosen = storages({"MEDIA_S3_BUCKET": "forum-media", "PRIVATE_S3_BUCKET": "forum-private"}, production=True)
    assert chosen["private"]["OPTIONS"]["bucket_name"] == "forum-private"
    assert chosen["private"]["OPTIONS"]["location"] == ""


def test_the_s3_backends_accept_the_chosen_options_and_private_objects_are_reached_only_by_the_guarded_view():
    from django.urls import reverse
    from django.utils.module_loading import import_string

    chosen = storages(
        {"MEDIA_S3_BUCKET": "forum-media", "AWS_S3_ENDPOINT_URL": "https://s3.example.test"}, production=True
    )
    media = import_string(chosen["default"]["BACKEND"])(**chosen["default"]["OPTIONS"])
    assert media.bucket_name == "forum-media"
    private = import_string(chosen["private"]["BACKEND"])(**chosen["private"]["OPTIONS"])
    assert private.default_acl == "private"
    # Not the bucket's address, not even a signed one: the guarded view.
    assert private.url("visas/letters/x.pdf") == reverse(
        settings.PRIVATE_FILE_VIEW, kwargs={"name": "visas/letters/x.pdf"}
    )


def test_private_files_live_outside_media_and_their_only_address_is_the_guarded_view(tmp_path):
    from django.core.files.storage import storages as configured
    from django.urls import reverse

    storage = configured["private"]
    name = storage.save("visas/letters/NCF-2026-0001.pdf", ContentFile(b"%PDF-1.7 passport"))
    assert Path(storage.path(name)).is_relative_to(tmp_path / "private")
    assert not Path(storage.path(name)).is_relative_to(Path(settings.MEDIA_ROOT))
    assert storage.url(name) == reverse(settings.PRIVATE_FILE_VIEW, kwargs={"name": name})
    assert not storage.url(name).startswith("/" + settings.MEDIA_URL)
