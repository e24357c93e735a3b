"""Browser tests: Debian's Chromium driven by Playwright against Django's live server."""

import os

import pytest

# Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls are
# still synchronous and safe, so Django's async guard is lifted for browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    import shutil

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is required under CI=true")
        pytest.skip("chromium is not installed")
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            # A synthetic camera for the check-in desk's scanner (test_csp.py); no prompt.
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "az-AZ", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    """Emails carry absolute links built from SITE_URL: make them open the server under test."""
    settings.SITE_URL = live_server.url


@pytest.fixture(autouse=True)
def _forms_filled_at_machine_speed(settings):
    """A browser driven by a test fills the registration form faster than any person; the form's
    timing check would take it for a bot."""
    settings.REGISTRATION_MIN_FILL_SECONDS = 0


ORGANIZER_APPS = ("forum", "notifications", "panels", "registration", "speakers", "visas")


@pytest.fixture
def organizer(transactional_db):
    """A staff member of the Organizers group.

    Browser tests are transactional, so the database is flushed between tests and the group that
    the data migrations create (with every model permission of the project's apps) is gone after
    the first one; it is rebuilt here the way those migrations build it.
    """
    from django.contrib.auth.models import Group, Permission

    from core.permissions import ORGANIZERS_GROUP
    from tests.factories import OrganizerFactory

    group, _created = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=ORGANIZER_APPS))
    return OrganizerFactory()


ORGANIZER_PASSWORD = "correct-horse-battery"  # OrganizerFactory's


def log_in(page, user, password=ORGANIZER_PASSWORD):
    """Fill the sign-in form a protected page redirected to: the console's, or the admin's."""
    login = "/admin/login/" if "/admin/login/" in page.url else "/organizer/login/"
    assert login in page.url, page.url
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.locator("#login-form [type=submit]" if login == "/admin/login/" else "main form [type=submit]").click()
    page.wait_for_url(lambda url: login not in url)


def horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture
def page(page):
    """Fail within seconds, not Playwright's default half-minute, when an element never shows."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    return page
