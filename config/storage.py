"""Where uploaded files live, chosen by environment variables (see docs/deployment-storage.md).

Two storages besides the static files:

- ``default``: public media (speaker photos), served under MEDIA_URL. Local disk unless
  ``MEDIA_S3_BUCKET`` names an S3-compatible bucket.
- ``private``: files that carry personal data (signatures, stamps, visa letters: anything with a
  passport number). Never under MEDIA_URL: their only address is the guarded view
  ``settings.PRIVATE_FILE_VIEW``, which checks access before it streams the file. Local disk under
  ``PRIVATE_MEDIA_ROOT`` unless ``PRIVATE_S3_BUCKET`` (or ``MEDIA_S3_BUCKET``, under the
  ``private/`` prefix) is set.

A plain function of the environment so the choice is tested without reloading settings.
"""


def _s3_options(environ, *, bucket, location="", public):
    options = {
        "bucket_name": bucket,
        "location": location,
        "file_overwrite": False,
        # Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the instance role):
        # boto3 reads them itself, so they never sit in settings.
    }
    if environ.get("AWS_S3_ENDPOINT_URL"):
        options["endpoint_url"] = environ["AWS_S3_ENDPOINT_URL"]
    if environ.get("AWS_S3_REGION_NAME"):
        options["region_name"] = environ["AWS_S3_REGION_NAME"]
    if public:
        options["default_acl"] = environ.get("MEDIA_S3_ACL") or None
        options["querystring_auth"] = False
        if environ.get("MEDIA_S3_CUSTOM_DOMAIN"):
            options["custom_domain"] = environ["MEDIA_S3_CUSTOM_DOMAIN"]
    else:
        options["default_acl"] = "private"
    return options


def storages(environ, *, production):
    """The STORAGES setting for this environment."""
    media_bucket = environ.get("MEDIA_S3_BUCKET", "")
    private_bucket = environ.get("PRIVATE_S3_BUCKET", "")
    if media_bucket:
        default = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": _s3_options(environ, bucket=media_bucket, public=True),
        }
    else:
        default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if private_bucket or media_bucket:
        private = {
            "BACKEND": "core.private_s3.PrivateS3Storage",
            "OPTIONS": _s3_options(
                environ,
                bucket=private_bucket or media_bucket,
                location="" if private_bucket else "private",
                public=False,
            ),
        }
    else:
        # Reads PRIVATE_MEDIA_ROOT on every use (tests move it).
        private = {"BACKEND": "visas.storage.PrivateStorage"}
    static = (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if production
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    return {"default": default, "private": private, "staticfiles": {"BACKEND": static}}
