"""A visitor's own X-Forwarded-For never changes the address a limit counts (core/clientip.py).

Straight to the application (no proxy in front, or a connection from an address that is not a
trusted proxy) the header is ignored; from a trusted proxy only the part that proxy wrote counts.
The same requests through nginx are tested in tests/cluster/.
"""

import pytest
from django.test import Client, RequestFactory

from core.clientip import client_ip

FAKE = "x" * 43
PROXY = "10.0.0.5"


def _ip(settings, remote, forwarded=None, *, proxies=(PROXY,)):
    settings.TRUSTED_PROXIES = list(proxies)
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    assert _ip(settings, "198.51.100.7", "1.2.3.4", proxies=()) == "198.51.100.7"


def test_a_header_from_an_untrusted_peer_is_ignored(settings):
    assert _ip(settings, "198.51.100.7", "1.2.3.4") == "198.51.100.7"


def test_a_trusted_proxy_names_the_client(settings):
    assert _ip(settings, PROXY, "198.51.100.7") == "198.51.100.7"


def test_what_the_client_wrote_left_of_the_proxy_entry_is_never_reached(settings):
    assert _ip(settings, PROXY, "1.2.3.4, 5.6.7.8, 198.51.100.7") == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings_proxies = (PROXY, "10.1.0.0/16")
    assert _ip(settings, PROXY, "1.2.3.4, 198.51.100.7, 10.1.2.3", proxies=settings_proxies) == "198.51.100.7"


def test_garbage_in_the_header_falls_back_to_the_last_genuine_address(settings):
    assert _ip(settings, PROXY, "198.51.100.7, not-an-ip") == PROXY
    assert _ip(settings, PROXY, "") == PROXY
    assert _ip(settings, PROXY) == PROXY


def test_the_header_name_comes_from_the_setting(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="2001:db8::1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "2001:db8::1"


def _forged(index):
    return {"HTTP_X_FORWARDED_FOR": f"203.0.113.{index % 250}, 192.0.2.{index % 250}"}


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [(), (PROXY,)], ids=["no-proxy", "untrusted-peer"])
def test_a_forged_header_does_not_reset_the_page_limits(settings, proxies):
    settings.TRUSTED_PROXIES = list(proxies)
    settings.RSVP_RATE_LIMIT = "3/h"
    client = Client(REMOTE_ADDR="198.51.100.60")
    statuses = [client.get(f"/rsvp/{FAKE}/", **_forged(index)).status_code for index in range(6)]
    assert statuses == [404, 404, 404, 429, 429, 429]


@pytest.mark.django_db
def test_a_forged_header_behind_a_trusted_proxy_does_not_reset_the_page_limits(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.RSVP_RATE_LIMIT = "3/h"
    client = Client(REMOTE_ADDR=PROXY)
    # What a proxy that appends sends on: the visitor's forgery, then the address it saw.
    statuses = [
        client.get(f"/rsvp/{FAKE}/", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}, 198.51.100.61").status_code
        for index in range(6)
    ]
    assert statuses == [404, 404, 404, 429, 429, 429]
    # Another visitor behind the same proxy keeps a budget of its own.
    assert client.get(f"/rsvp/{FAKE}/", HTTP_X_FORWARDED_FOR="198.51.100.62").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [(), (PROXY,)], ids=["no-proxy", "untrusted-peer"])
def test_a_forged_header_does_not_reset_the_api_login_throttle(settings, proxies, organizer):
    settings.TRUSTED_PROXIES = list(proxies)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "login": "3/hour",
    }
    client = Client(REMOTE_ADDR="198.51.100.63")
    statuses = [
        client.post(
            "/api/v1/auth/token/", {"username": organizer.username, "password": f"wrong-{index}"}, **_forged(index)
        ).status_code
        for index in range(5)
    ]
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3:] == [429, 429]


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [(), (PROXY,)], ids=["no-proxy", "untrusted-peer"])
def test_a_forged_header_does_not_reset_the_api_rsvp_throttle(settings, proxies):
    settings.RSVP_RATE_LIMIT = "3/h"  # the RSVP API shares its pages' budget (one guessing budget)
    settings.TRUSTED_PROXIES = list(proxies)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "rsvp": "3/hour",
    }
    client = Client(REMOTE_ADDR="198.51.100.64")
    statuses = [client.get(f"/api/v1/rsvp/{FAKE}/", **_forged(index)).status_code for index in range(5)]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3:] == [429, 429]
