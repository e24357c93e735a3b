"""Version and deprecation headers on API answers.

Every /api/v1/ answer carries ``API-Version: 1``. A view that is being retired declares
``deprecation = {"sunset": date, "link": "https://..."}`` and its answers then carry
``Deprecation: true``, ``Sunset`` (RFC 8594) and a ``Link`` to the replacement, so clients
hear of it long before it goes.
"""

from django.http import HttpResponse
from django.utils.http import http_date
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer

from .parsers import NUL, NUL_MESSAGE, contains_nul


class RefuseNulInApiUrlsMiddleware:
    """A NUL character in an /api/ path names nothing (404); in a query string it is invalid
    (400). PostgreSQL cannot compare such text, so a lookup with it would otherwise fail as a 500.
    The bodies are rendered as DRF renders its own errors, so a token link with a NUL gets the
    very same 404 as any other link that opens nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            if NUL in request.path:
                return _error(404, "not_found", exceptions.NotFound.default_detail)
            if contains_nul(request.GET):
                return _error(400, "parse_error", NUL_MESSAGE)
        return self.get_response(request)


def _error(status, code, detail):
    body = JSONRenderer().render({"code": code, "detail": str(detail), "fields": {}})
    return HttpResponse(body, status=status, content_type="application/json")


class ApiVersionHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/v1/"):
            return response
        response["API-Version"] = "1"
        match = getattr(request, "resolver_match", None)
        view_class = getattr(getattr(match, "func", None), "cls", None)
        deprecation = getattr(view_class, "deprecation", None)
        if deprecation:
            response["Deprecation"] = "true"
            sunset = deprecation.get("sunset")
            if sunset:
                import datetime

                moment = datetime.datetime.combine(sunset, datetime.time(0, 0), tzinfo=datetime.UTC)
                response["Sunset"] = http_date(moment.timestamp())
            if deprecation.get("link"):
                response["Link"] = f'<{deprecation["link"]}>; rel="deprecation"'
        return response
