"""core.ratelimit: one key for every budget (the trusted client address, an IPv6 client by its
/64), rates read at each request, and the pages and the API counting in the same counters."""

import pytest
from django.test import Client, RequestFactory

from core.clientip import UNKNOWN_ADDRESS
from core.ratelimit import Budget, client_key, field_key, limit

FAKE = "x" * 43


def test_the_client_key_is_the_trusted_address_and_an_ipv6_network():
    factory = RequestFactory()
    assert client_key(factory.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="10.0.0.1")) == "198.51.100.7"
    assert client_key(factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::"
    assert client_key(factory.get("/", REMOTE_ADDR="")) == UNKNOWN_ADDRESS  # no usable address: one shared budget


def test_a_field_key_counts_one_address_whatever_its_case():
    key = field_key("email")
    factory = RequestFactory()
    assert key(factory.post("/", {"email": " Ines@Example.org "})) == key(
        factory.post("/", {"email": "ines@example.org"})
    )


def test_a_budget_names_one_rate():
    with pytest.raises(ValueError):
        Budget("both", setting="RSVP_RATE_LIMIT", scope="anon")
    with pytest.raises(ValueError):
        Budget("none")


def test_rates_are_read_at_each_request_and_off_means_off(settings):
    budget = Budget("tests-live", setting="RSVP_RATE_LIMIT")
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.8")
    settings.RSVP_RATE_LIMIT = "1/h"
    assert [budget.spend(request) for _ in range(2)] == [False, True]
    settings.RATELIMIT_ENABLE = False
    assert budget.spend(request) is False and budget.use(request) is None


def test_the_decorator_declares_its_budgets_and_sets_limited_without_blocking(settings):
    settings.RSVP_RATE_LIMIT = "1/h"
    budget = Budget("tests-decorator", setting="RSVP_RATE_LIMIT")
    seen = []

    @limit(budget, methods={"POST"}, block=False)
    def view(request):
        seen.append(request.limited)
        return None

    factory = RequestFactory()
    for _ in range(2):
        view(factory.post("/", REMOTE_ADDR="198.51.100.9"))
    view(factory.get("/", REMOTE_ADDR="198.51.100.9"))  # a GET is not counted here
    assert view.rate_limits == (budget,)
    assert seen == [False, True, False]


@pytest.mark.django_db
def test_an_ipv6_network_spends_one_guessing_budget_through_pages_and_api(settings):
    settings.RSVP_RATE_LIMIT = "2/h"
    assert Client(REMOTE_ADDR="2001:db8:7:7::1").get(f"/rsvp/{FAKE}/").status_code == 404
    assert Client(REMOTE_ADDR="2001:db8:7:7::2").get(f"/api/v1/rsvp/{FAKE}/").status_code == 404
    assert Client(REMOTE_ADDR="2001:db8:7:7::3").get(f"/api/v1/rsvp/{FAKE}/").status_code == 429
    assert Client(REMOTE_ADDR="2001:db8:7:8::1").get(f"/rsvp/{FAKE}/").status_code == 404  # another network
