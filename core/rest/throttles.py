"""Throttles per scope whose rates are read from settings at request time (so they can be tuned
without a restart of the import, and tests can tighten them)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle


class _LiveRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ScopedThrottle(_LiveRate, ScopedRateThrottle):
    """Use with ``throttle_scope = "registration" | "rsvp" | "login"`` on a view."""


class PublicAnonThrottle(_LiveRate, AnonRateThrottle):
    pass


class LoginThrottle(_LiveRate, SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
