"""The API's throttles: DRF's face of ``core.ratelimit``.

Each throttle counts in a :class:`core.ratelimit.Budget`, with the same client key and the same
counters as the pages; rates are read at request time. ``throttle(BUDGET)`` makes the throttle of
a budget, so a page and its API twin that name one budget share one counter.
"""

from rest_framework.throttling import BaseThrottle

from core.ratelimit import Budget


class BudgetThrottle(BaseThrottle):
    """Counts every call in ``budget``; past it, 429 with ``Retry-After`` (the seconds left in
    the budget's window)."""

    budget = None

    def __init__(self, budget=None):
        if budget is not None:
            self.budget = budget
        self.seconds = None

    def applies(self, request, view):
        return True

    def allow_request(self, request, view):
        if self.budget is None or not self.applies(request, view):
            return True
        usage = self.budget.use(request)
        if usage is None or not usage.over:
            return True
        self.seconds = usage.seconds_left
        return False

    def wait(self):
        return self.seconds


def throttle(budget):
    """The throttle class of ``budget`` (for ``throttle_classes``)."""
    return type(f"{budget.group.title().replace('-', '')}Throttle", (BudgetThrottle,), {"budget": budget})


# Every anonymous call (the API's default throttle); organizers who signed in are not counted.
ANONYMOUS_CALLS = Budget("api-anon", scope="anon")
# The token login, per client (django-axes locks accounts and addresses on top).
LOGIN = Budget("api-login", scope="login")


class PublicAnonThrottle(BudgetThrottle):
    budget = ANONYMOUS_CALLS

    def applies(self, request, view):
        return not (request.user and request.user.is_authenticated)


LoginThrottle = throttle(LOGIN)
