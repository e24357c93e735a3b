"""Bounded waits for the locks that serialize writes (seat counting, the schedule).

A locked section waits at most ``LOCK_TIMEOUT_MS`` for its lock and runs each statement at most
``STATEMENT_TIMEOUT_MS`` on PostgreSQL (``SET LOCAL``: only until the transaction ends); SQLite
waits its connection ``timeout``. Past that the visitor gets a clear "busy, try again" error
instead of a request that hangs or a 500.
"""

import contextlib

from django.conf import settings
from django.db import OperationalError, connection
from django.utils.translation import gettext as _

from .errors import DomainError

# PostgreSQL: lock_not_available, query_canceled (statement_timeout).
_BUSY_CODES = {"55P03", "57014"}


class Busy(DomainError):
    code = "busy"
    status = 409


def bound_waits():
    """Call first inside the transaction of a locked section."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{settings.LOCK_TIMEOUT_MS}ms"])
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{settings.STATEMENT_TIMEOUT_MS}ms"])


def _is_busy(exc):
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _BUSY_CODES or getattr(cause, "pgcode", None) in _BUSY_CODES:
        return True
    return connection.vendor == "sqlite" and "locked" in str(exc)


@contextlib.contextmanager
def busy_as_domain_error():
    """Wrap a whole ``transaction.atomic()`` block: a lock or statement timeout becomes ``Busy``."""
    try:
        yield
    except OperationalError as exc:
        if not _is_busy(exc):
            raise
        raise Busy(_("The forum is busy right now. Please try again in a moment.")) from exc
