"""Site-wide error views: JSON in the API's error shape under /api/, the usual pages elsewhere."""

from django.http import HttpResponse, JsonResponse
from django.views import defaults


def _wants_json(request):
    return request.path.startswith("/api/")


def _api_error(status, code, detail, fields=None):
    # Rendered as DRF renders its own errors, so an answer from here is byte for byte the one a
    # view would give.
    from rest_framework.renderers import JSONRenderer

    body = JSONRenderer().render({"code": code, "detail": str(detail), "fields": fields or {}})
    return HttpResponse(body, status=status, content_type="application/json")


def not_found(request, exception=None):
    if _wants_json(request):
        from rest_framework.exceptions import NotFound

        return _api_error(404, "not_found", NotFound.default_detail)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "detail": "Something went wrong on our side.", "fields": {}}, status=500
        )
    return defaults.server_error(request)


def bad_request(request, exception=None):
    """400: the API's error shape under /api/, a page in the visitor's language elsewhere. Never
    reads the request body again (it is what could not be read)."""
    from django.shortcuts import render

    message = str(getattr(exception, "message", "") or "")
    fields = {name: [message] for name in getattr(exception, "fields", ())}
    if _wants_json(request):
        detail = message or "The request could not be read."
        return _api_error(400, getattr(exception, "code", "parse_error"), detail, fields)
    return render(request, "forum/bad_request.html", {"message": message, "fields": sorted(fields)}, status=400)
