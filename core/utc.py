"""Moments given by a client, normalised to UTC before any query or write sees them.

Python accepts UTC offsets up to ±23:59 and years 1 to 9999 in any offset; PostgreSQL holds
offsets up to ±15:59 only, and 0001-01-01T00:00-05:00 is a moment no datetime can hold in UTC.
Every datetime read from a filter or a body goes through :func:`to_utc`, so the database only
ever sees UTC moments it can store.
"""

import datetime

from django.utils import timezone


def to_utc(value, *, default_tz=None):
    """``value`` (aware, or naive in ``default_tz``, the current time zone when None) as an aware
    UTC datetime; ValueError when that moment is outside what a datetime holds."""
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value, default_tz or timezone.get_current_timezone())
        except (OverflowError, ValueError) as exc:
            raise ValueError("not a representable moment") from exc
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError as exc:
        raise ValueError("not a representable moment") from exc
