"""Every /organizer/ URL, listed from the URL resolver so a new page cannot slip through, refuses
anonymous visitors, staff outside the Organizers group and organizers' group members without staff
status."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from core.permissions import ORGANIZERS_GROUP
from tests.factories import OrganizerFactory, UserFactory, inviting_organization

pytestmark = pytest.mark.django_db
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
# The console's sign-in and password reset pages are open to everybody: they are the way in.
SIGN_IN_PAGES = {
    "login", "logout", "password-reset", "password-reset-sent", "password-reset-confirm", "password-reset-complete",
}  # fmt: skip


def _routes(patterns=None, prefix=""):
    """(route, name) of every URL pattern, with include()d prefixes joined."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route.lstrip("^").rstrip("$"), pattern.name


def organizer_urls(forum):
    values = {"slug": forum.slug, "int": "1", "str": "x", "path": "x/y", "action": "publish"}
    urls = []
    for route, name in _routes():
        if not route.startswith("organizer/") or name in SIGN_IN_PAGES:
            continue
        url = "/" + CONVERTER.sub(lambda m: values.get(m.group(2)) or values[m.group(1) or "str"], route)
        urls.append(url)
    return sorted(set(urls))


def _client(user=None):
    client = Client()
    if user is not None:
        user.save()  # the factory sets the password without saving it
        client.force_login(user)
    return client


def test_the_list_covers_every_staff_area(forum):
    urls = organizer_urls(forum)
    areas = ("/schedule/", "/speakers/", "/registrations/", "/checkin/", "/organizer/outbox/", "travel.csv", "/copy/")
    for area in areas:
        assert any(area in url for url in urls), area
    assert f"/organizer/forums/{forum.slug}/" in urls  # the edition's overview
    assert len(urls) >= 15


@pytest.mark.parametrize("who", ["anonymous", "staff_without_group", "group_member_without_staff", "plain_user"])
def test_no_organizer_page_opens_for_someone_who_is_not_an_organizer(forum, who):
    if who == "anonymous":
        client = _client()
    elif who == "staff_without_group":
        client = _client(UserFactory(is_staff=True))
    elif who == "group_member_without_staff":
        user = UserFactory(is_staff=False)
        user.save()
        user.groups.add(Group.objects.get(name=ORGANIZERS_GROUP))
        client = _client(user)
    else:
        client = _client(UserFactory())
    for url in organizer_urls(forum):
        statuses = {}
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            statuses[method] = response.status_code
            assert response.status_code in (302, 403, 405), f"{method.upper()} {url}: {response.status_code}"
            if response.status_code == 302:
                assert "login" in response["Location"], f"{method.upper()} {url} redirects to {response['Location']}"
        assert set(statuses.values()) != {405}, url  # some method reaches the check, and it refuses


def test_an_organizer_opens_every_organizer_page_that_needs_no_record(forum):
    # A new signatory needs the edition's inviting organization (without it the page sends the
    # organizer to set that up first).
    inviting_organization(forum, with_signatory=False)
    client = _client(OrganizerFactory())
    opened = 0
    for url in organizer_urls(forum):
        if "/1/" in url or url.endswith(("/1.ics", "/1.pdf")) or "/visa-files/" in url:
            continue
        response = client.get(url)
        if response.status_code == 302:  # a page that needs its prerequisite first sends there
            assert response["Location"].startswith("/organizer/"), f"GET {url}: {response['Location']}"
            continue
        assert response.status_code in (200, 405), f"GET {url}: {response.status_code}"
        opened += response.status_code == 200
    assert opened >= 6
