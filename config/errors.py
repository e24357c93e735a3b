"""Site-wide error views: JSON in the API's error shape under /api/, the usual pages elsewhere."""

from django.http import JsonResponse
from django.views import defaults


def _wants_json(request):
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"code": "not_found", "detail": "Not found.", "fields": {}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            {"code": "server_error", "detail": "Something went wrong on our side.", "fields": {}}, status=500
        )
    return defaults.server_error(request)
