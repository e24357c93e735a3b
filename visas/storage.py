"""Private files: signatures, stamps and issued letters.

Stored under ``settings.PRIVATE_MEDIA_ROOT``, outside MEDIA_ROOT, so no public URL reaches them;
``url()`` points at the organizers' guarded view instead.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.urls import reverse


class PrivateStorage(FileSystemStorage):
    # Read the setting on every use (tests move it; a cached path would outlive the change).
    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        return reverse("visas:private-file", kwargs={"name": name})


def private_storage():
    return storages["private"]
