"""Refuse, at the edge, requests whose input no view could read.

Both checks run before anything reads the body (CSRF, forms, DRF), so every HTML form, GET
filter, admin page and API operation gets the same answer: a 400 page (or the API's error shape),
never a 500 and never a half-read request reaching a service.
"""

import codecs

from django.core.exceptions import BadRequest
from django.http import Http404

from . import text

# Bodies are read as UTF-8 (ASCII is a subset of it). Django refuses form bodies in any other
# charset and an unknown charset name fails to decode at all; both are turned into a 400 here.
READABLE_CHARSETS = {"utf-8", "ascii"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class RefusedInput(BadRequest):
    """A 400 with a message for the person and the names of the fields at fault."""

    def __init__(self, message, *, code="parse_error", fields=()):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.fields = list(fields)


def _charset_is_readable(name):
    try:
        return codecs.lookup(name).name in READABLE_CHARSETS
    except LookupError:
        return False


class RefuseUnreadableInputMiddleware:
    """A body in a charset other than UTF-8, and text with a control character anywhere in the
    query string or a form body, are refused with a 400; such a character in the path names
    nothing (404). JSON bodies of the API are checked by its parsers (api/parsers.py) with the
    same rule."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.translation import gettext

        charset = request.content_params.get("charset") if hasattr(request, "content_params") else None
        if charset and not _charset_is_readable(charset):
            raise RefusedInput(gettext("The request must be sent in UTF-8."), code="unsupported_charset")
        if text.has_forbidden(request.path):
            raise Http404
        fields = text.forbidden_fields(request.GET)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            fields += text.forbidden_fields(request.POST)
        if fields:
            raise RefusedInput(text.MESSAGE, fields=fields)
        return self.get_response(request)
