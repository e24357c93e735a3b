"""Forum-local time, one rule for the whole platform.

Everything is stored in UTC; every edition has a zone (``Forum.timezone``, default Asia/Baku).
Nothing is rendered or parsed in UTC: ``ForumTimezoneMiddleware`` makes the edition's zone the
current zone for every request (pages, personal-link pages, organizer pages, the admin),
so ``{{ value|date }}``, ``{{ value|time }}`` and form fields read and write forum-local wall
clocks without any template or form doing it. Work outside a request (emails rendered by the
outbox, PDFs, exports, periodic jobs) enters ``forum_time(forum)``.

Which edition a request concerns: the ``slug`` in the URL when there is one (its zone is kept in
memory, refreshed whenever an edition is saved, so a page costs no extra query);
views that find their edition another way (a personal link's token) call ``use_forum(forum)``.
Until then, and for requests about no edition, the default forum zone applies.
"""

import contextlib
import datetime
import time
import zoneinfo

from django.conf import settings
from django.utils import formats, timezone, translation

API_PREFIX = "/api/"


def default_zone():
    return zoneinfo.ZoneInfo(settings.FORUM_DEFAULT_TIMEZONE)


def zone_of(forum):
    """The zone of an edition (a Forum, or None for the default)."""
    return forum.tz if forum is not None else default_zone()


def use_forum(forum):
    """Make the edition's zone the current one for the rest of this request or job."""
    timezone.activate(zone_of(forum))


@contextlib.contextmanager
def forum_time(forum, language=None):
    """Render or parse in the edition's zone (and in ``language`` when given): emails, PDFs,
    exports and jobs that run outside a request."""
    with timezone.override(zone_of(forum)):
        if language:
            with translation.override(language):
                yield
        else:
            yield


# --- which edition a request concerns ----------------------------------------------------------

# slug -> (zone name, monotonic expiry). Kept in the process, not in the shared cache, so a page
# costs no query and no cache round trip, and a cache outage cannot break time rendering. Saving
# an edition updates it at once in that process; other processes see a changed zone within
# ZONE_MEMO_SECONDS (a zone is set once per edition and practically never changes).
ZONE_MEMO_SECONDS = 60
_zones = {}


def remember_zone(*, slug, zone):
    _zones[slug] = (zone, time.monotonic() + ZONE_MEMO_SECONDS)


def zone_for_slug(slug):
    """The zone of the edition with this slug (one query at most per minute and process)."""
    name, expires = _zones.get(slug, (None, 0.0))
    if name is None or expires < time.monotonic():
        from forum.models import Forum

        name = Forum.objects.filter(slug=slug).values_list("timezone", flat=True).first()
        if name is None:
            return default_zone()
        remember_zone(slug=slug, zone=name)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return default_zone()


class ForumTimezoneMiddleware:
    """Every page renders and parses times in its edition's zone, never in UTC.

    The API is left in UTC on purpose: it writes ISO 8601 with an explicit offset for programs,
    and its services read a time without an offset in the edition's zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        timezone.activate(default_zone())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("slug")
        if isinstance(slug, str) and slug and not request.path_info.startswith(API_PREFIX):
            timezone.activate(zone_for_slug(slug))
        return None


# --- writing times ------------------------------------------------------------------------------


def zone_label(zone=None):
    """The zone's name as shown beside a time: ``Asia/Baku``."""
    zone = zone or timezone.get_current_timezone()
    return getattr(zone, "key", None) or str(zone)


def _local(value, zone=None):
    return timezone.localtime(value, zone or timezone.get_current_timezone())


def format_datetime(value, zone=None, *, with_zone=False):
    """``31 January 2027, 18:00`` in the active language's format and the forum's zone."""
    if value is None:
        return ""
    text = formats.date_format(_local(value, zone), "DATETIME_FORMAT")
    return f"{text} ({zone_label(zone)})" if with_zone else text


def format_date(value, zone=None):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value, zone)
    return formats.date_format(value, "DATE_FORMAT")


def format_time(value, zone=None):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value, zone)
    return formats.time_format(value, "TIME_FORMAT")


def format_when(start, end, zone=None, *, with_zone=False):
    """A session's time: ``12 May 2026, 10:00–11:30``; an empty string when it has no time yet
    (never "- :")."""
    if start is None:
        return ""
    local_start = _local(start, zone)
    text = formats.date_format(local_start, "DATETIME_FORMAT")
    if end is not None:
        local_end = _local(end, zone)
        if local_end.date() == local_start.date():
            text += "–" + formats.time_format(local_end, "TIME_FORMAT")
        else:
            text += " – " + formats.date_format(local_end, "DATETIME_FORMAT")
    return f"{text} ({zone_label(zone)})" if with_zone else text


def local_date(value, zone=None):
    """The forum-local calendar day of a moment."""
    return _local(value, zone).date()


def at_local(day, time, zone=None):
    """An aware moment for a wall-clock ``time`` on ``day`` in the zone."""
    return datetime.datetime.combine(day, time, tzinfo=zone or timezone.get_current_timezone())


def end_of_local_day(moment, zone=None, *, hour=23, minute=59):
    """The same forum-local day at ``hour:minute``: deadlines end in the evening, not at 4 a.m."""
    zone = zone or timezone.get_current_timezone()
    return at_local(local_date(moment, zone), datetime.time(hour, minute), zone)
