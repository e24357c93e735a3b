"""A request id from the proxy to the log lines and to the Celery tasks the request enqueued.

nginx names every request (``$request_id``) and passes it in X-Request-ID. The middleware keeps it
for the request (a context variable), every log record carries it (``RequestIdFilter``), each task
published meanwhile carries it in its headers, and the worker sets it again while the task runs,
so one grep finds the proxy's access line, the application's lines and the email the task sent.
"""

import contextvars
import logging
import re
import time
import uuid

from celery import signals
from django.core.signals import request_finished
from django.dispatch import receiver

from core.clientip import client_ip, is_trusted_proxy

HEADER = "request_id"
_current = contextvars.ContextVar("request_id", default="")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
logger = logging.getLogger("forum.request")


def current():
    return _current.get()


def _incoming(request):
    """The proxy's id when a trusted proxy sent a well-formed one; otherwise a new one (a visitor
    cannot name its own request in the logs)."""
    value = request.META.get("HTTP_X_REQUEST_ID", "")
    if value and _VALID.match(value) and is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets the request id, answers it in X-Request-ID and logs one JSON-able line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _incoming(request)
        request.request_id = request_id
        # Kept until the response is closed (request_finished): Django logs a 4xx/5xx answer
        # after the middleware has returned, and that line must carry the id too.
        _current.set(request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "client_ip": client_ip(request),
            },
        )
        return response


@receiver(request_finished)
def _forget_request_id(**kwargs):
    _current.set("")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = current()
        return True


@signals.before_task_publish.connect
def _stamp_task(headers=None, **kwargs):
    request_id = current()
    if request_id and headers is not None and HEADER not in headers:
        headers[HEADER] = request_id


_task_tokens = {}


@signals.task_prerun.connect
def _enter_task(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, HEADER, None) or (task.request.headers or {}).get(HEADER) or ""
    _task_tokens[task_id] = _current.set(request_id)
    if request_id:
        logger.info("task %s started", task.name, extra={"task": task.name, "task_id": task_id})


@signals.task_postrun.connect
def _leave_task(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _current.reset(token)
