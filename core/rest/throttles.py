"""Throttles per scope whose rates are read from settings at request time (so they can be tuned
without a restart of the import, and tests can tighten them)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, ScopedRateThrottle, SimpleRateThrottle

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


class PersonalLinkThrottle(BaseThrottle):
    """The guessing budget of personal links, shared with their pages.

    A view names its budget as ``link_budget = (group, setting)``, the django-ratelimit group and
    the rate setting its pages use (``("rsvp", "RSVP_RATE_LIMIT")`` for the RSVP pages,
    ``("registration-link", "REGISTRATION_LINK_RATE")`` for the registration pages). Each API call
    counts in the very same counter as a page visit, per client address, so trying tokens through
    the API and through the pages together costs what the pages alone allow.
    """

    def allow_request(self, request, view):
        from django.conf import settings
        from django_ratelimit.core import ALL, is_ratelimited

        group, setting = view.link_budget
        rate = getattr(settings, setting)
        return not is_ratelimited(request._request, group=group, key="ip", rate=rate, method=ALL, increment=True)

    def wait(self):
        return 60
