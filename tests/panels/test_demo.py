import pytest
from django.core.management import call_command

from forum.models import Forum
from panels import selectors, services
from panels.models import Panel

pytestmark = pytest.mark.django_db


def test_demo_program_is_published_conflict_free_and_spread_over_themes_days_and_rooms():
    call_command("seed_demo", verbosity=0)
    forum = Forum.objects.get(slug="ncf-2")
    everything = list(selectors.organizer_panels(forum=forum))
    panels = [panel for panel in everything if panel.status != Panel.Status.DRAFT]
    assert 18 <= len(panels) <= 24
    assert {panel.status for panel in panels} == {Panel.Status.PUBLISHED}
    drafts = [panel for panel in everything if panel.status == Panel.Status.DRAFT]
    assert len(drafts) == 2 and all(panel.start is None and panel.room is None for panel in drafts)
    assert {panel.theme.code for panel in panels} == {"ecosystem", "cii", "startups", "education", "ots"}
    assert {selectors.local_day(panel) for panel in panels} == set(forum.days)
    assert {panel.room_id for panel in panels} == set(forum.rooms.values_list("pk", flat=True))
    assert all(panel.participations.all() for panel in panels)
    assert selectors.current_conflicts(forum=forum, panels=panels) == {}
    for panel in panels:
        status, reasons, _warnings = services.check_slot(panel=panel, room=panel.room, start=panel.start, end=panel.end)
        assert status is None, reasons


def test_demo_program_is_public(client):
    call_command("seed_demo", verbosity=0)
    client.cookies["django_language"] = "en"
    from forum.models import Forum

    days = Forum.objects.get(slug="ncf-2").days
    html = "".join(client.get("/forums/ncf-2/program/", {"day": day.isoformat()}).content.decode() for day in days)
    assert "Opening of the forum" in html and "Cyber ranges and competitions" in html
    assert html.count("Coffee break") == 4 and html.count(">Lunch<") == 2  # the breaks of each day
    assert "Workshop: spotting anomalies in SCADA networks" not in html  # a draft
