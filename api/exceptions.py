"""One error body for the whole API: {"code", "detail", "fields"}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def _fields(detail):
    if isinstance(detail, dict):
        return {
            key: [str(item) for item in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {}


def _leaf_codes(codes):
    if isinstance(codes, dict):
        return [code for value in codes.values() for code in _leaf_codes(value)]
    if isinstance(codes, list | tuple):
        return [code for value in codes for code in _leaf_codes(value)]
    return [codes]


def _only_missing_references(exc):
    """True when every complaint of a ValidationError is a reference to a record that does not
    exist (a panel, speaker or edition named by id or slug in the body): the request is well formed
    and names something missing, which is a 404 like an unknown id in the path."""
    codes = _leaf_codes(exc.get_codes())
    return bool(codes) and all(code == "does_not_exist" for code in codes)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        non_field = fields.pop("non_field_errors", None)
        if isinstance(exc.detail, list):
            non_field = [str(item) for item in exc.detail]
        if _only_missing_references(exc) and not non_field:
            detail = next(iter(fields.values()))[0]
            response.data = {"code": "not_found", "detail": detail, "fields": fields}
            response.status_code = status.HTTP_404_NOT_FOUND
            return response
        detail = (non_field or [None])[0] or "The request has invalid fields."
        response.data = {"code": "invalid", "detail": detail, "fields": fields}
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    response.data = {
        "code": codes if isinstance(codes, str) else "error",
        "detail": str(exc.detail) if isinstance(exc, exceptions.APIException) else str(exc),
        "fields": {},
    }
    return response
