"""Response headers shared by pages."""


def private_link_headers(response):
    """Pages reached by a personal link (RSVP, registration): never cached, never indexed, and the
    link never leaks as a referrer.

    ``same-origin`` and not ``no-referrer``: under ``no-referrer`` browsers send ``Origin: null``
    with the page's own form posts (cancel, language switch), which Django's CSRF check refuses.
    """
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def private_file_response(storage, name, *, filename=None, content_type=None):
    """A private file, after the caller has checked access.

    Behind nginx (``PRIVATE_FILES_ACCEL_PREFIX`` set, e.g. ``/_protected/``) the answer carries no
    body: ``X-Accel-Redirect`` tells nginx to send the file from its ``internal`` location, so a
    large letter never ties up a web worker and the file is still unreachable by any URL. Without
    the setting (the embedded demo, or files in a bucket) the file is streamed by Django.

    ``filename`` makes it a download under that name (``Content-Disposition: attachment``; nginx
    keeps the header when it sends the file itself).
    """
    import mimetypes

    from django.conf import settings
    from django.core.files.storage import FileSystemStorage
    from django.http import FileResponse, HttpResponse

    content_type = content_type or mimetypes.guess_type(filename or name)[0] or "application/octet-stream"
    prefix = getattr(settings, "PRIVATE_FILES_ACCEL_PREFIX", "")
    if prefix and isinstance(storage, FileSystemStorage):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + name.lstrip("/")
    else:
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def local_path(request, candidate, default):
    """Where a form may send the visitor back to: ``candidate`` when it is a path on this site
    (one leading slash, no scheme, no host), ``default`` otherwise. Anything else a form posts as
    its "next" (``+1+1``, ``//evil.example``, a URL with a scheme, a word Django would read as a
    view's name) is never followed, and never reaches ``redirect()``, which fails on it."""
    from django.utils.http import url_has_allowed_host_and_scheme

    if (
        isinstance(candidate, str)
        and candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return candidate
    return default
