"""Private files in an S3-compatible bucket (imported only when one is configured)."""

from storages.backends.s3 import S3Storage

from .storage import GuardedURL


class PrivateS3Storage(GuardedURL, S3Storage):
    """Objects written private (no public ACL); their address is the guarded view, never the bucket."""
