"""Moments in filters and bodies are normalised to UTC: an offset PostgreSQL cannot hold, or a
moment beyond the datetime range, is a 400 (or simply compared in UTC), never a 500."""

import datetime

import pytest

from panels.models import Panel

pytestmark = pytest.mark.django_db

ODD_MOMENTS = [
    "2026-05-01T10:00:00+23:59",
    "2026-05-01T10:00:00-23:59",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-23:00",
    "2026-05-01T10:00:00+16:00",
]


@pytest.mark.parametrize("moment", ODD_MOMENTS)
def test_since_with_any_offset_is_never_a_500(client, moment):
    from urllib.parse import quote

    response = client.get(f"/api/v1/schedule-changes/?since={quote(moment)}")
    assert response.status_code in (200, 400)


def test_since_with_a_far_offset_is_compared_in_utc(client):
    response = client.get("/api/v1/schedule-changes/?since=2026-05-01T10:00:00%2B23:59")
    assert response.status_code == 200


@pytest.mark.parametrize("moment", ODD_MOMENTS)
def test_scheduling_with_any_offset_is_never_a_500(organizer_client, forum, moment):
    from tests.factories import PanelFactory, RoomFactory

    panel = PanelFactory(forum=forum)
    room = RoomFactory(forum=forum)
    end = (datetime.datetime.fromisoformat(moment.replace("0001-", "0002-"))).isoformat()
    response = organizer_client.post(
        f"/api/v1/panels/{panel.pk}/schedule/",
        {"room": room.pk, "start": moment, "end": end},
        content_type="application/json",
    )
    assert response.status_code in (400, 409)
    panel.refresh_from_db()
    assert panel.start is None and panel.status == Panel.Status.DRAFT
