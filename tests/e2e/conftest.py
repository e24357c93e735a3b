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
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "az-AZ", "viewport": {"width": 1280, "height": 900}}
