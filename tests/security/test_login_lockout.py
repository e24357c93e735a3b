"""Password forms lock out after repeated failures, per account and per address (django-axes): a
clear 429 message, the API's error shape on the token login, and an organizer can unlock."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import OrganizerFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def account():
    user = OrganizerFactory(username="organizer-1")
    user.set_password(PASSWORD)
    user.save()
    return user


def _admin_login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_the_admin_login_locks_an_account_after_repeated_failures_even_with_the_right_password(settings, account):
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _admin_login(client, account.username, "wrong").status_code == 200
    response = _admin_login(client, account.username, "wrong")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # From another address too: the account itself is locked.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert _admin_login(other, account.username, PASSWORD).status_code == 429


def test_an_address_is_locked_across_accounts(settings, account):
    client = Client(REMOTE_ADDR="198.51.100.8")
    for number in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, f"guess-{number}", "wrong")
    assert _admin_login(client, account.username, PASSWORD).status_code == 429


def test_a_forged_forwarded_for_header_does_not_reset_the_count(settings, account):
    for number in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}").post(
            "/admin/login/", {"username": f"guess-{number}", "password": "wrong"}
        )
    client = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert _admin_login(client, account.username, PASSWORD).status_code == 429


def test_the_api_token_login_shares_the_lockout_and_answers_in_the_error_shape(settings, account):
    client = Client(REMOTE_ADDR="198.51.100.10")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": account.username, "password": "wrong"})
    response = client.post("/api/v1/auth/token/", {"username": account.username, "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert _admin_login(Client(REMOTE_ADDR="203.0.113.10"), account.username, PASSWORD).status_code == 429


def test_an_organizer_unlocks_from_the_admin(settings, account, admin_client):
    client = Client(REMOTE_ADDR="198.51.100.11")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, account.username, "wrong")
    assert _admin_login(client, account.username, PASSWORD).status_code == 429
    attempts = AccessAttempt.objects.all()
    assert attempts.exists()
    response = admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _admin_login(client, account.username, PASSWORD).status_code == 302


def test_a_success_resets_the_count(settings, account):
    client = Client(REMOTE_ADDR="198.51.100.12")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _admin_login(client, account.username, "wrong")
    assert _admin_login(client, account.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _admin_login(client, account.username, "wrong")
    assert _admin_login(client, account.username, PASSWORD).status_code == 302
