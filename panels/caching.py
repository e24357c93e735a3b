"""The public program and its exports, cached by version.

A key is built from everything the cached text depends on: the forum, the program's version stamp
(``selectors.schedule_last_modified``: the latest change to the forum, its panels, their speakers,
its rooms and themes), the active language, the normalized filters and ``FORMAT``. An edit moves
the stamp, so the next request looks up a new key and renders afresh; nothing is ever deleted,
superseded copies simply expire after ``PROGRAM_CACHE_TIMEOUT`` seconds (0 turns caching off).

What is never cached: what an organizer sees (they may be looking at a draft edition, and they
should see their edits without doubt), error answers (the views store only what they rendered
successfully), anything personal (only bodies built from public data are stored; headers, the
CSRF token and the visitor's navigation are rendered per request).

The cache is a convenience, never a dependency: when it fails (Redis down or slow) the error is
logged and the page is rendered as if nothing was cached.
"""

import hashlib
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from core.permissions import sees_drafts

from .selectors import schedule_last_modified

logger = logging.getLogger(__name__)

# Bump when a cached template or an export format changes, so copies in the old shape are skipped.
FORMAT = 2


def timeout():
    return settings.PROGRAM_CACHE_TIMEOUT


def key_for(*, kind, forum, stamp=None, query=()):
    """The cache key of ``kind`` ("program", "schedule.json", ...) for ``forum`` as it is now, in
    the active language, for the filters ``query`` (name, value pairs, already normalized)."""
    stamp = stamp or schedule_last_modified(forum=forum)
    version = "|".join([stamp.isoformat(), get_language() or "", urlencode(list(query))])
    digest = hashlib.sha256(version.encode()).hexdigest()[:32]
    return f"program:{FORMAT}:{forum.pk}:{kind}:{digest}"


def lookup(*, user, kind, forum, stamp=None, query=()):
    """(key, cached text). The key is None when this visitor must not use the cache (organizers,
    caching turned off); the text is None on a miss. Store what you render with ``store(key, ...)``."""
    if timeout() <= 0 or sees_drafts(user):
        return None, None
    key = key_for(kind=kind, forum=forum, stamp=stamp, query=query)
    try:
        return key, cache.get(key)
    except Exception:  # any backend error: the cache must not take the program down
        logger.warning("program cache unavailable, rendering without it (get %s)", key, exc_info=True)
        return None, None  # do not try to store either: one failed round trip per request is enough


def store(key, text):
    """Keep ``text`` (str or bytes) under ``key``; nothing when the key is None."""
    if key is None:
        return
    try:
        cache.set(key, text, timeout())
    except Exception:
        logger.warning("program cache unavailable, rendered copy not kept (set %s)", key, exc_info=True)


def cached(*, user, kind, forum, build, stamp=None, query=()):
    """What ``build()`` returns (str or bytes), from the cache when it has it."""
    key, text = lookup(user=user, kind=kind, forum=forum, stamp=stamp, query=query)
    if text is None:
        text = build()
        store(key, text)
    return text
