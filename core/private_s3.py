"""Private files in an S3-compatible bucket (imported only when one is configured)."""

from storages.backends.s3 import S3Storage

from .storage import NoPublicURL


class PrivateS3Storage(NoPublicURL, S3Storage):
    """Objects written private (no public ACL) and never given a URL, not even a signed one."""
