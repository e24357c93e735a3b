"""Version and deprecation headers on API answers.

Every /api/v1/ answer carries ``API-Version: 1``. A view that is being retired declares
``deprecation = {"sunset": date, "link": "https://..."}`` and its answers then carry
``Deprecation: true``, ``Sunset`` (RFC 8594) and a ``Link`` to the replacement, so clients
hear of it long before it goes.
"""

from django.utils.http import http_date


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
