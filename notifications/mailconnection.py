"""One SMTP connection per worker thread, reused from one outbox message to the next.

Opening a session (TCP, greeting, EHLO, maybe STARTTLS and AUTH) costs more than sending a small
message, so a delivering thread keeps its connection open between messages. The rules that keep
this as safe as a fresh connection per message:

* The cached connection belongs to the settings that defined it (backend, host, port, user,
  password, TLS/SSL, timeout, client certificate): when any of them changes, the old connection is
  closed and a new one opened to the server now configured.
* Before reuse, a connection the server has already closed (or spoken on unprompted, e.g. a
  ``421`` before hanging up) is dropped without a round trip; one idle longer than
  ``NOTIFICATIONS_SMTP_IDLE_CHECK_SECONDS`` must also answer ``NOOP`` with ``250``.
* It is recycled after ``NOTIFICATIONS_SMTP_MAX_MESSAGES_PER_CONNECTION`` messages or
  ``NOTIFICATIONS_SMTP_MAX_CONNECTION_AGE_SECONDS``.
* After any error while sending it is closed and forgotten (``discard``): the next message opens
  a new session. The failed message itself is never resent here; the outbox's retry rules decide.
* A forked child never uses (or says ``QUIT`` on) a session it inherited from its parent.
* ``close_all`` ends every cached session with ``QUIT``; Celery calls it when a worker process
  shuts down (``notifications.tasks``).

Only Django's SMTP backend (and subclasses) is cached. Other backends (locmem, console, file) get
a new instance per message as before: they cost nothing to open, and the file backend writes one
file per opened connection. ``NOTIFICATIONS_REUSE_SMTP_CONNECTION = False`` turns caching off.
"""

import hashlib
import logging
import os
import select
import threading
import time

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

logger = logging.getLogger(__name__)

_local = threading.local()
_lock = threading.Lock()
_cached = set()  # every thread's cached _Session, so shutdown can close them all


class _Session:
    __slots__ = ("backend", "key", "last_used", "messages", "opened_at", "pid")

    def __init__(self, key, backend):
        now = time.monotonic()
        self.key = key
        self.backend = backend
        self.pid = os.getpid()
        self.opened_at = now
        self.last_used = now
        self.messages = 0


def connection_key():
    """What defines the connection: a change in any of these means another server or account."""
    password = getattr(settings, "EMAIL_HOST_PASSWORD", "") or ""
    return (
        settings.EMAIL_BACKEND,
        getattr(settings, "EMAIL_HOST", ""),
        getattr(settings, "EMAIL_PORT", None),
        getattr(settings, "EMAIL_HOST_USER", ""),
        hashlib.sha256(password.encode()).hexdigest() if password else "",
        bool(getattr(settings, "EMAIL_USE_TLS", False)),
        bool(getattr(settings, "EMAIL_USE_SSL", False)),
        getattr(settings, "EMAIL_TIMEOUT", None),
        getattr(settings, "EMAIL_SSL_CERTFILE", None),
        getattr(settings, "EMAIL_SSL_KEYFILE", None),
    )


def acquire():
    """An open connection for one message. Pass it to ``release`` after the message is recorded
    as sent, or to ``discard`` after any error. Raises what opening the connection raises."""
    reuse = settings.NOTIFICATIONS_REUSE_SMTP_CONNECTION
    key = connection_key()
    session = _current()
    if session is not None and (not reuse or session.key != key):
        _drop(session, reason="settings changed" if reuse else "reuse turned off")
        session = None
    if session is not None:
        reason = _stale(session)
        if reason is None:
            return session.backend
        _drop(session, reason=reason)
    backend = get_connection(fail_silently=False)
    try:
        backend.open()
    except BaseException:
        _close_quietly(backend)  # a half-open session (greeting read, STARTTLS or AUTH failed)
        raise
    if reuse and isinstance(backend, SMTPBackend) and backend.connection is not None:
        session = _Session(key, backend)
        _local.session = session
        with _lock:
            _cached.add(session)
        logger.debug("Opened a reusable mail connection to %s:%s", backend.host, backend.port)
    return backend


def release(backend):
    """The message went out: keep the connection for the next one, or close it when it has done
    its share (or was never cached)."""
    session = _current()
    if session is None or session.backend is not backend:
        _close_quietly(backend)
        return
    session.messages += 1
    session.last_used = time.monotonic()
    if session.messages >= settings.NOTIFICATIONS_SMTP_MAX_MESSAGES_PER_CONNECTION:
        _drop(session, reason=f"{session.messages} messages sent")


def discard(backend):
    """Something went wrong on this connection: close it and never use it again."""
    session = _current()
    if session is not None and session.backend is backend:
        _drop(session, reason="error while sending")
    else:
        _close_quietly(backend)


def close_all():
    """Close every cached connection of this process with QUIT (worker shutdown)."""
    with _lock:
        sessions = list(_cached)
    for session in sessions:
        _drop(session, reason="worker shutting down")


def _current():
    session = getattr(_local, "session", None)
    if session is not None and session.pid != os.getpid():  # inherited across fork: not ours
        _local.session = None
        return None
    return session


def _stale(session):
    """Why the cached connection must not carry the next message, or None when it may."""
    now = time.monotonic()
    if now - session.opened_at >= settings.NOTIFICATIONS_SMTP_MAX_CONNECTION_AGE_SECONDS:
        return "connection too old"
    smtp = session.backend.connection
    if smtp is None or getattr(smtp, "sock", None) is None:
        return "connection closed"
    if _readable(smtp.sock):
        return "server closed the connection"
    if now - session.last_used >= settings.NOTIFICATIONS_SMTP_IDLE_CHECK_SECONDS:
        try:
            code, _reply = smtp.noop()
        except Exception as exc:  # SMTPServerDisconnected, timeouts, resets: all mean "open anew"
            return f"NOOP failed: {exc.__class__.__name__}"
        if code != 250:
            return f"NOOP answered {code}"
    return None


def _readable(sock):
    """True when the server sent something unasked (EOF, a 421 before hanging up) or the socket
    is broken: an idle SMTP client connection has nothing to read."""
    if getattr(sock, "pending", None) and sock.pending():  # buffered TLS data
        return True
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN | select.POLLPRI)
            return bool(poller.poll(0))  # POLLHUP and POLLERR are always reported
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def _drop(session, *, reason):
    if _current() is session:
        _local.session = None
    with _lock:
        _cached.discard(session)
    logger.debug("Closing the mail connection (%s, %s messages)", reason, session.messages)
    _close_quietly(session.backend)


def _close_quietly(backend):
    try:
        backend.close()  # QUIT for SMTP; harmless on a connection the server already closed
    except Exception:  # a failing QUIT changes nothing for messages already recorded
        logger.debug("Closing the mail connection failed", exc_info=True)


def _forget_after_fork():
    """A child process must not share its parent's SMTP sessions: forget them without QUIT."""
    global _local, _lock, _cached
    _local = threading.local()
    _lock = threading.Lock()
    _cached = set()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
