"""Forum-local time, one rule for the whole platform.

Everything is stored in UTC; every edition has a zone (``Forum.timezone``, default Asia/Baku).
Nothing is rendered or parsed in UTC: ``forum.timezones.ForumTimezoneMiddleware`` makes the edition's zone the
current zone for every request (pages, personal-link pages, organizer pages, the admin),
so ``{{ value|date }}``, ``{{ value|time }}`` and form fields read and write forum-local wall
clocks without any template or form doing it. Work outside a request (emails rendered by the
outbox, PDFs, exports, periodic jobs) enters ``forum_time(forum)``.

The middleware lives in ``forum.timezones`` (it looks editions up; this module knows no app).
Views that find their edition another way than the URL's slug (a personal link's token) call
``use_forum(forum)``. Until then, and for requests about no edition, the default zone applies.
"""

import contextlib
import datetime
import zoneinfo

from django.conf import settings
from django.utils import formats, timezone, translation


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
