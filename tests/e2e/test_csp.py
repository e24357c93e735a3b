"""The Content-Security-Policy and Permissions-Policy in a real browser: every kind of page, its
scripts and the API docs run under the policy without a single refusal, and what JavaScript adds
(the grid's drag and drop and its keyboard way, the check-in camera, Swagger UI, Redoc) still works."""

import json
import re

import pytest
from playwright.sync_api import expect

from panels.models import Panel
from registration import services as registration_services
from speakers import services as speaker_services
from tests.e2e.conftest import log_in
from tests.factories import (
    ForumFactory,
    InvitationFactory,
    RoomFactory,
    SpeakerFactory,
    doors_open,
    register_attendee,
)
from tests.panels.conftest import placed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Chromium says "Refused to load/apply/execute … because it violates the following Content Security
# Policy directive" and "Error with Permissions-Policy header: …" in the console.
POLICY_MESSAGE = re.compile(r"Content Security Policy|Refused to|Permissions-Policy|Permissions policy", re.I)

# Every refusal is also a securitypolicyviolation event on the document: kept on window, per page.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


@pytest.fixture
def watched(page):
    """The page, with a list of the policy messages its console printed across every visit."""
    messages = []
    page.on("console", lambda message: messages.append(message.text) if POLICY_MESSAGE.search(message.text) else None)
    page.add_init_script(RECORD_VIOLATIONS)
    page.policy_messages = messages
    return page


def assert_nothing_refused(page, *, except_urls=()):
    """No violation event on the page now shown, and no policy message in the console so far,
    other than refusals of ``except_urls`` (requests to other sites that stay refused on purpose).
    Chromium's messages name the hash an inline element would need: they are in the failure."""
    page.wait_for_load_state("networkidle")
    violations = [v for v in page.evaluate("window.__cspViolations || []") if v["blocked"] not in except_urls]
    messages = [text for text in page.policy_messages if not any(url in text for url in except_urls)]
    page.policy_messages.clear()
    assert violations == [] and messages == [], f"{page.url}: {violations} {messages}"


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "camera=(self)" in response.headers["permissions-policy"]
    return response


@pytest.fixture
def edition(live_server):
    """An edition with one published panel (theme colours in style attributes) and one draft."""
    forum = ForumFactory()
    hall = RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall"}, order=1)
    leyla = SpeakerFactory(first_name="Leyla", last_name="Aliyeva")
    published = placed(forum, hall, 0, "10:00", "11:00", speakers=[leyla], publish=True, title={"az": "Açılış"})
    placed(forum, hall, 0, "12:00", "13:00", title={"az": "Qaralama"})
    return forum, published


def test_public_pages_run_under_the_policy(live_server, watched, edition, mailoutbox):
    forum, panel = edition
    attendee = register_attendee(forum, first_name="Nigar", last_name="Əliyeva", language="az")
    registration_services.confirm(token=attendee.raw_token)
    speaker_services.send_invitation(invitation=InvitationFactory(forum=forum))
    token = re.search(r"/rsvp/([A-Za-z0-9_-]+)/", mailoutbox[-1].body).group(1)

    for path in (
        "/",
        f"/forums/{forum.slug}/",
        f"/forums/{forum.slug}/program/",
        f"/forums/{forum.slug}/panels/{panel.pk}/",
        f"/forums/{forum.slug}/speakers/",
        f"/forums/{forum.slug}/register/",
        f"/registration/{attendee.raw_token}/",
        f"/rsvp/{token}/",
    ):
        visit(watched, live_server.url + path)
        assert_nothing_refused(watched)

    # Style attributes still apply: a programme entry carries its theme's colour.
    visit(watched, f"{live_server.url}/forums/{forum.slug}/program/")
    colour = watched.locator(".tt-panel").first.evaluate(
        "element => getComputedStyle(element).getPropertyValue('--theme-colour').trim()"
    )
    assert colour == (panel.theme.colour or "#1f5fa8")
    assert_nothing_refused(watched)


def test_organizer_pages_and_their_scripts_run_under_the_policy(live_server, watched, organizer, edition):
    forum, _panel = edition
    attendee = register_attendee(forum, first_name="Nigar", last_name="Əliyeva", language="az")
    registration_services.confirm(token=attendee.raw_token)

    watched.goto(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    assert_nothing_refused(watched)  # Django admin's login page
    log_in(watched, organizer)
    expect(watched).to_have_url(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    # The grid's script ran: it lays the drop cells out and shows the drag instruction.
    expect(watched.locator("#schedule-drag-help")).not_to_have_attribute("hidden", re.compile(".*"))
    expect(watched.locator(".grid-cell").first).to_be_attached()
    draft = Panel.objects.get(forum=forum, title_az="Qaralama")
    expect(watched.locator(f"#panel-{draft.pk}")).to_have_attribute("draggable", "true")
    # Its keyboard way too: the cursor cell is laid out, moved and read out, then put away.
    watched.locator(f"#panel-{draft.pk} button.move-start").click()
    expect(watched.locator(".grid-cursor")).to_be_focused()
    watched.keyboard.press("ArrowDown")
    expect(watched.locator("#schedule-move-status")).not_to_be_empty()
    watched.keyboard.press("Escape")
    expect(watched.locator(".grid-cursor")).to_have_count(0)
    assert_nothing_refused(watched)

    for path in (
        f"/organizer/forums/{forum.slug}/",
        f"/organizer/forums/{forum.slug}/speakers/",
        f"/organizer/forums/{forum.slug}/registrations/",
        "/organizer/outbox/",
    ):
        visit(watched, live_server.url + path)
        assert_nothing_refused(watched)


def test_the_checkin_camera_is_allowed_and_its_script_attaches(live_server, watched, organizer, edition):
    """Chromium's fake camera stands in for the desk's; BarcodeDetector (not in Linux builds) is
    stubbed to read the attendee's badge from the first frame."""
    forum, _panel = edition
    attendee = register_attendee(forum, first_name="Nigar", last_name="Əliyeva", language="az")
    registration_services.confirm(token=attendee.raw_token)
    doors_open(forum)
    watched.context.grant_permissions(["camera"], origin=live_server.url)
    watched.add_init_script(
        "window.BarcodeDetector = class { detect() { return Promise.resolve([{ rawValue: "
        + json.dumps(attendee.badge_code)
        + " }]); } };"
    )

    watched.goto(f"{live_server.url}/organizer/forums/{forum.slug}/checkin/")
    log_in(watched, organizer)
    assert_nothing_refused(watched)
    expect(watched.locator("#scanner")).to_be_visible()  # shown by checkin.js
    watched.locator("#scan-start").click()
    expect(watched.locator(".checkin-result")).to_have_class("checkin-result ok")
    expect(watched.locator(".checkin-result")).to_contain_text("Nigar Əliyeva")
    assert_nothing_refused(watched)
    attendee.refresh_from_db()
    assert attendee.checked_in_at is not None


def test_django_admin_runs_under_the_policy(live_server, watched, organizer, edition):
    forum, panel = edition
    admin = organizer
    admin.is_superuser = True
    admin.save()
    watched.goto(f"{live_server.url}/admin/")
    log_in(watched, admin)
    assert_nothing_refused(watched)
    for path in (
        "/admin/",
        "/admin/forum/forum/",
        f"/admin/forum/forum/{forum.pk}/change/",
        "/admin/panels/panel/add/",
        f"/admin/panels/panel/{panel.pk}/change/",
        f"/admin/auth/user/{admin.pk}/change/",
        "/admin/registration/registration/",
    ):
        visit(watched, live_server.url + path)
        assert_nothing_refused(watched)

    # The admin's own scripts ran: the date shortcuts and the two-box permission picker.
    visit(watched, f"{live_server.url}/admin/auth/user/{admin.pk}/change/")
    expect(watched.locator("#id_user_permissions_from")).to_be_attached()
    visit(watched, f"{live_server.url}/admin/forum/forum/{forum.pk}/change/")
    expect(watched.locator(".datetimeshortcuts").first).to_be_attached()
    assert_nothing_refused(watched)


def test_api_docs_render_under_the_policy(live_server, watched, edition):
    visit(watched, f"{live_server.url}/api/docs/")
    expect(watched.locator(".opblock").first).to_be_visible()
    assert watched.locator(".opblock").count() > 10
    assert_nothing_refused(watched)

    visit(watched, f"{live_server.url}/api/redoc/")
    expect(watched.locator("h1", has_text="National Cybersecurity Forum API")).to_be_visible()
    expect(watched.get_by_role("menuitem").first).to_be_visible()
    # The sidebar's styles (perfect-scrollbar's, allowed by hash) apply.
    expect(watched.locator(".scrollbar-container.ps").first).to_have_css("overflow", "hidden")
    # Search runs in its blob: worker and finds an operation.
    watched.get_by_placeholder(re.compile("Search", re.I)).fill("token")
    expect(watched.get_by_role("search").get_by_role("menuitem", name="Get an API token")).to_be_visible()
    # Redoc's footer shows Redocly's logo from its CDN: the docs fetch nothing from another site.
    assert_nothing_refused(watched, except_urls=("https://cdn.redoc.ly/redoc/logo-mini.svg",))
