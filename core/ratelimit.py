"""One rate limiter for the whole site: pages, the API and the budgets services keep.

A :class:`Budget` is a named counter in the shared cache (django-ratelimit's fixed windows, so
every web process counts together) with a rate read at each request, either from a setting
(``"RSVP_RATE_LIMIT"``) or from a DRF throttle scope (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``),
so operators and tests tune it without a restart. It counts per client, as ``client_key`` reads
it: the trusted address of ``core.clientip`` (a forged X-Forwarded-For is never believed), an IPv6
client by its network (``RATELIMIT_IPV6_MASK``, /64). A budget of a form field (an email address)
counts per that value instead (``field_key``).

- Pages: ``@limit(BUDGET, ...)``. Over the budget the visitor gets the 429 page
  (``RATELIMIT_VIEW``), or, with ``block=False``, the view sees ``request.limited`` and answers
  itself (a form shown again with a message).
- The API: ``core.rest.throttles.throttle(BUDGET)``. A page and its API twin that name the same
  budget count in one counter, so trying personal links through both costs what the pages alone
  allow.
- Services and views that budget successes rather than attempts: ``BUDGET.use(request,
  increment=False)`` to look, ``BUDGET.use(request)`` to count.

``RATELIMIT_ENABLE = False`` turns every budget off (the fuzz tests do). See
docs/security-limits.md for the budgets and their numbers.
"""

import functools
import hashlib
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

from .clientip import client_ip

ALL_METHODS = None
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def client_key(request):
    """The client a budget counts: the trusted address, an IPv6 one by its network."""
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64)
    else:
        mask = getattr(settings, "RATELIMIT_IPV4_MASK", 32)
    return str(ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address)


def field_key(name):
    """A key of the posted field ``name`` (an email address: trimmed, in lower case), so one value
    has one budget whoever sends it."""

    def key(request):
        return normalized(request.POST.get(name, ""))

    return key


def normalized(value):
    return hashlib.sha256(str(value).strip().lower().encode()).hexdigest()


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    seconds_left: int

    @property
    def over(self):
        """This request went past the budget."""
        return self.count > self.limit

    @property
    def full(self):
        """One more would go past the budget."""
        return self.count >= self.limit


@dataclass(frozen=True)
class Budget:
    """``group`` names the counter; ``setting`` or ``scope`` where its rate is read; ``key`` whom
    it counts (``client_key`` unless told)."""

    group: str
    setting: str = ""
    scope: str = ""
    key: object = client_key

    def __post_init__(self):
        if bool(self.setting) == bool(self.scope):
            raise ValueError(f"budget {self.group!r}: name a setting or a throttle scope, one of them")

    @property
    def rate(self):
        if self.setting:
            return getattr(settings, self.setting)
        from rest_framework.settings import api_settings

        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def use(self, request, *, value=None, increment=True):
        """Count one request (``increment=False``: only look) and say where the budget stands, or
        None when limits are off or the budget has no rate. ``value`` is the key to count (already
        normalized) instead of ``key(request)``."""
        request = getattr(request, "_request", request)  # a DRF request counts as its Django request
        key = (lambda group, request: value) if value is not None else (lambda group, request: self.key(request))
        usage = get_usage(request, group=self.group, key=key, rate=self._rate, increment=increment)
        if usage is None:
            return None
        return Usage(count=usage["count"], limit=usage["limit"], seconds_left=max(usage["time_left"], 1))

    def spend(self, request):
        """Count one request; True when it went past the budget."""
        usage = self.use(request)
        return usage is not None and usage.over

    def _rate(self, group, request):
        return self.rate


def limit(*budgets, methods=ALL_METHODS, block=True):
    """Count each request of ``methods`` (all of them by default) against every one of
    ``budgets``. Past any of them: with ``block``, the 429 page (``RATELIMIT_VIEW``); without,
    ``request.limited`` is True and the view answers. The view keeps its budgets in
    ``rate_limits`` (the coverage test reads them)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            request.limited = getattr(request, "limited", False)
            if methods is ALL_METHODS or request.method in methods:
                spent = [budget.spend(request) for budget in budgets]  # every budget counts the request
                request.limited = request.limited or any(spent)
                if request.limited and block:
                    raise Ratelimited()
            return view(request, *args, **kwargs)

        wrapped.rate_limits = (*getattr(view, "rate_limits", ()), *budgets)
        return wrapped

    return decorator


# "Email me my link again" (speakers and attendees) and the organizers' password reset: forms that
# send a link to the address typed in, limited per client and per address asked for.
LINK_AGAIN_BY_CLIENT = Budget("link-again", setting="LINK_AGAIN_RATE")
LINK_AGAIN_BY_EMAIL = Budget("link-again-address", setting="LINK_AGAIN_RATE", key=field_key("email"))
