"""Private files: stored apart from the public media and never given a URL.

Visa letters and anything else that carries a passport number go to ``storages["private"]``
(``private_storage()``). A view that has checked who is asking streams the file with
``private_file_response``; nothing else can reach it.
"""

from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse

from .responses import private_link_headers


class NoPublicURL:
    """A storage whose files have no address of their own."""

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view that checks access.")


class PrivateFileSystemStorage(NoPublicURL, FileSystemStorage):
    """Local private files, in a folder apart from MEDIA_ROOT, with no base URL."""

    def __init__(self, location=None, **kwargs):
        super().__init__(location=location, base_url=None, **kwargs)


def private_storage():
    return storages["private"]


def private_file_response(name, *, filename, content_type=None):
    """The private file ``name`` as a download, never cached nor indexed. The caller checks access."""
    response = FileResponse(
        private_storage().open(name, "rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    return private_link_headers(response)
