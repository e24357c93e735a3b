"""Every page a visitor can post to without signing in, and every write of the API, is covered by a
rate limit of core.ratelimit: found by walking the URL resolver, so a new form or endpoint without
one fails here."""

import itertools

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from core.rest.throttles import BudgetThrottle
from tests.fuzz.conftest import world as world  # the fuzz walk's edition, links and tokens
from tests.fuzz.walk import concrete_urls

pytestmark = pytest.mark.django_db

# Public pages that take a POST with no budget of their own, and why that is safe.
EXEMPT = {
    "set_language": "sets the language cookie and redirects: stores and sends nothing",
    "admin:login": "a password check: django-axes locks the account and the address (test_login_lockout.py)",
    "organizer:login": "a password check: django-axes locks the account and the address (test_login_lockout.py)",
}
PROBE = {"email": "probe@example.org"}
WRITE_METHODS = ("post", "put", "patch", "delete")
ADDRESSES = (f"198.18.{index // 250}.{index % 250 + 1}" for index in itertools.count())


def _signed_in_only(response):
    login = reverse(settings.LOGIN_URL)
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"].split("?")[0] in {login, "/admin/login/"}
    )


def _public_post_pages(world):
    """(view name, path, the budgets its view declares, the client address that posted) of every
    page an anonymous visitor's POST reaches."""
    found = []
    for path in dict.fromkeys(concrete_urls(world)):
        address = next(ADDRESSES)
        response = Client(REMOTE_ADDR=address).post(path, PROBE)
        if response.status_code == 405 or _signed_in_only(response):
            continue
        match = resolve(path.split("?")[0])
        found.append((match.view_name, path, getattr(match.func, "rate_limits", ()), address))
    return found


def test_every_public_post_form_is_counted_in_a_budget(world):
    found = _public_post_pages(world)
    names = {name for name, *_rest in found}
    # The walk reaches the forms it must (a broken walk would pass everything).
    assert {"registration:register", "registration:link_again", "speakers:link-again", "speakers:rsvp",
            "registration:cancel", "registration:agenda-star", "organizer:password-reset"} <= names  # fmt: skip
    uncovered = [(name, path) for name, path, budgets, _address in found if not budgets and name not in EXEMPT]
    assert uncovered == []
    for name, path, budgets, address in found:
        if name in EXEMPT:
            continue
        # The budget really counted that POST (not only declared): per client, or per the address typed in.
        request = RequestFactory().post(path, PROBE, REMOTE_ADDR=address)
        counts = [budget.use(request, increment=False) for budget in budgets]
        assert all(usage is not None and usage.count >= 1 for usage in counts), (name, budgets)
    assert set(EXEMPT) <= names  # no exemption outlives its page


def _api_routes():
    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/") and hasattr(pattern.callback, "cls"):
                yield route, pattern.callback

    return list(walk(get_resolver()))


def _writes(callback):
    """(method, action) of every write the route answers."""
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return [(method, action) for method, action in actions.items() if method in WRITE_METHODS]
    return [(method, None) for method in WRITE_METHODS if hasattr(callback.cls, method)]


def test_every_api_write_is_throttled_by_a_budget():
    routes = _api_routes()
    writes = 0
    for route, callback in routes:
        for method, action in _writes(callback):
            writes += 1
            view = callback.cls(**getattr(callback, "initkwargs", {}))
            view.action = action
            view.request = None
            throttles = [item for item in view.get_throttles() if isinstance(item, BudgetThrottle) and item.budget]
            assert throttles, f"{method.upper()} {route} has no throttle of core.ratelimit"
    assert writes > 20  # the walk found the API (registrations, RSVP, panels, outbox, login...)


@pytest.mark.parametrize(
    ("route", "action", "group"),
    [
        ("rsvp/", "respond", "rsvp"),
        ("registration-manage/", "cancel", "registration-link"),
        ("registration-manage/", "partial_update", "registration-link"),
    ],
)
def test_writes_by_personal_link_spend_their_pages_guessing_budget(route, action, group):
    callback = next(
        callback for path, callback in _api_routes() if route in path and action in callback.actions.values()
    )
    view = callback.cls(**callback.initkwargs)
    view.action = action
    assert group in {item.budget.group for item in view.get_throttles() if isinstance(item, BudgetThrottle)}
