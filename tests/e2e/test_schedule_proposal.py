"""Propose → preview → accept in the browser: the organizer asks for a schedule, sees the proposal
beside today's panels with its score and every change, and accepts it into the grid."""

import pytest
from playwright.sync_api import expect

from panels.models import Panel
from tests.e2e.conftest import log_in
from tests.factories import ForumFactory, PanelFactory, RoomFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_organizer_proposes_previews_and_accepts_a_schedule(live_server, page, organizer):
    forum = ForumFactory()
    RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall"}, order=1, capacity=300)
    RoomFactory(forum=forum, name={"az": "Kiçik zal", "en": "Side Room"}, order=2, capacity=40)
    titles = ["Kritik infrastruktur", "Süni intellekt", "Kadr hazırlığı"]
    for title in titles:
        PanelFactory(forum=forum, title={"az": title}, planned_minutes=60)

    page.goto(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    log_in(page, organizer)
    page.get_by_role("link", name="Cədvəl təklif et").click()
    page.fill("#id_time_limit", "3")
    page.get_by_role("button", name="Cədvəl təklif et").click()

    # The solver runs (here without a broker, inside the request); the page then shows the result.
    expect(page.locator("#proposal-status")).to_have_text("Hazırdır", timeout=30000)
    changes = page.locator("table.proposal-changes tbody tr")
    expect(changes).to_have_count(3)
    for title in titles:
        expect(page.locator("table.proposal-changes")).to_contain_text(title)
    expect(page.locator("table.figures")).to_be_visible()

    page.locator("form.inline button.primary").click()
    expect(page).to_have_url(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/")
    for title in titles:
        expect(page.locator("a.grid-panel", has_text=title)).to_be_visible()
    assert Panel.objects.filter(forum=forum, status=Panel.Status.SCHEDULED).count() == 3


def test_a_running_proposal_shows_its_result_when_ready_without_a_timed_refresh(live_server, page, organizer):
    from panels.models import ScheduleProposal
    from panels.selectors import schedule_last_modified
    from panels.solver import proposals
    from panels.solver.params import SolverParams

    forum = ForumFactory()
    RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall"}, capacity=300)
    PanelFactory(forum=forum, title={"az": "Kritik infrastruktur"}, planned_minutes=60)
    proposal = ScheduleProposal.objects.create(
        forum=forum,
        params=SolverParams.from_json({"time_limit": 2}).as_json(),
        base_version=schedule_last_modified(forum=forum).isoformat(),
    )
    page.goto(f"{live_server.url}/organizer/forums/{forum.slug}/schedule/proposals/{proposal.pk}/")
    log_in(page, organizer)
    expect(page.locator("[data-proposal-running] progress")).to_be_visible()
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    proposals.run_proposal(proposal_id=proposal.pk)
    expect(page.locator("#proposal-status")).to_have_text("Hazırdır", timeout=20000)
    expect(page.locator("table.proposal-changes")).to_contain_text("Kritik infrastruktur")
