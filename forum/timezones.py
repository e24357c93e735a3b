"""Which edition's zone a request renders and parses its times in (see ``core.localtime``)."""

import time
import zoneinfo

from django.utils import timezone

from core import localtime

from .models import Forum

API_PREFIX = "/api/"

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
        name = Forum.objects.filter(slug=slug).values_list("timezone", flat=True).first()
        if name is None:
            return localtime.default_zone()
        remember_zone(slug=slug, zone=name)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return localtime.default_zone()


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
        timezone.activate(localtime.default_zone())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("slug")
        if isinstance(slug, str) and slug and not request.path_info.startswith(API_PREFIX):
            timezone.activate(zone_for_slug(slug))
        return None
