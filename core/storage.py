"""Private files (signatures, stamps, visa letters: anything with a passport number) live in
``storages["private"]``, apart from the public media. Their only address is the guarded view named
by ``settings.PRIVATE_FILE_VIEW`` (``visas:private-file``), which checks who is asking before it
streams the file; no storage hands out a public or signed address of its own."""

from django.conf import settings
from django.urls import reverse


class GuardedURL:
    """A storage whose files are reached only through the guarded view."""

    def url(self, name):
        return reverse(settings.PRIVATE_FILE_VIEW, kwargs={"name": name})
