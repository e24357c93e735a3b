"""Throttles per scope whose rates are read from settings at request time (so they can be tuned
without a restart of the import, and tests can tighten them)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle

from core.clientip import client_ip


class _LiveRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # DRF's own rule (NUM_PROXIES) believes any X-Forwarded-For when unset: one rule for the
        # whole site instead, the one the page rate limits use.
        return client_ip(request)


class ScopedThrottle(_LiveRate, ScopedRateThrottle):
    """Use with ``throttle_scope = "registration" | "rsvp" | "login"`` on a view."""


class PublicAnonThrottle(_LiveRate, AnonRateThrottle):
    pass


class LoginThrottle(_LiveRate, SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
