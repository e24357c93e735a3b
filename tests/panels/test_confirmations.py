"""On the grid, what people will hear about is shown before it happens: moving a published panel
asks whether to notify, cancelling asks first, and the last move can be undone."""

import pytest

from notifications.models import OutboxMessage
from panels.models import Panel, ScheduleChange
from tests.factories import register_attendee
from tests.panels.conftest import at, placed
from tests.panels.test_pages import action_url, grid_url, slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(forum, hall, speaker):
    panel = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True)
    for number in range(22):
        register_attendee(forum, email=f"p{number}@example.org").panels.add(panel)
    return panel


@pytest.fixture
def en(organizer_client):
    organizer_client.cookies["django_language"] = "en"
    return organizer_client


def _outbox_after(last):
    return OutboxMessage.objects.filter(id__gt=last)


def _last_id():
    return OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_moving_a_published_panel_first_says_who_will_be_emailed_and_changes_nothing(en, forum, hall, published):
    last = _last_id()
    response = en.post(action_url(forum, published, "move"), slot(published, forum.days[0], "14:00", "15:00", hall))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This emails 22 attendees and 1 speaker." in html
    assert "Move and notify" in html and "Move silently (draft note)" in html and "Cancel, change nothing" in html
    published.refresh_from_db()
    assert published.start == at(forum, 0, "10:00")
    assert not _outbox_after(last).exists()


def test_move_and_notify_tells_everybody(en, forum, hall, published):
    last = _last_id()
    data = {**slot(published, forum.days[0], "14:00", "15:00", hall), "notify": "1"}
    assert en.post(action_url(forum, published, "move"), data).status_code == 302
    published.refresh_from_db()
    assert published.start == at(forum, 0, "14:00")
    assert _outbox_after(last).filter(kind="registration_panel_changed").count() == 22
    assert _outbox_after(last).filter(kind="schedule_changed").count() == 1


def test_move_silently_tells_nobody_and_the_log_says_so(en, forum, hall, published):
    last = _last_id()
    data = {**slot(published, forum.days[0], "14:00", "15:00", hall), "notify": "0"}
    en.post(action_url(forum, published, "move"), data)
    published.refresh_from_db()
    assert published.start == at(forum, 0, "14:00")
    assert not _outbox_after(last).exists()
    assert "not announced" in en.get(grid_url(forum)).content.decode()


def test_cancelling_a_panel_is_confirmed_first_and_a_declined_confirmation_changes_nothing(en, forum, published):
    last = _last_id()
    page = en.post(action_url(forum, published, "cancel"))
    assert "This emails 22 attendees and 1 speaker." in page.content.decode()
    published.refresh_from_db()
    assert published.status == Panel.Status.PUBLISHED and not _outbox_after(last).exists()
    en.post(action_url(forum, published, "cancel"), {"confirmed": "yes"})
    published.refresh_from_db()
    assert published.status == Panel.Status.CANCELLED
    assert _outbox_after(last).count() == 23


def test_a_draft_panel_is_moved_at_once_and_its_cancellation_emails_nobody(en, forum, hall, side_room):
    panel = placed(forum, hall, 0, "10:00", "11:00")
    assert (
        en.post(action_url(forum, panel, "move"), slot(panel, forum.days[1], "12:00", "13:00", side_room)).status_code
        == 302
    )
    page = en.post(action_url(forum, panel, "cancel")).content.decode()
    assert "Nobody is emailed." in page


def test_undo_the_last_move_from_the_grid(en, forum, hall, side_room):
    from django.urls import reverse

    panel = placed(forum, hall, 0, "10:00", "11:00")
    en.post(action_url(forum, panel, "move"), slot(panel, forum.days[1], "12:00", "13:00", side_room))
    html = en.get(grid_url(forum)).content.decode()
    assert "Undo the last move of" in html
    en.post(reverse("panels:organizer-undo", args=[forum.slug]))
    panel.refresh_from_db()
    assert (panel.room, panel.start) == (hall, at(forum, 0, "10:00"))
    assert ScheduleChange.objects.filter(panel=panel).first().after["undo_of"]
    assert "Undo the last move of" not in en.get(grid_url(forum)).content.decode()


def test_undoing_a_published_panels_move_asks_whether_to_notify(en, forum, hall, published):
    from django.urls import reverse

    en.post(
        action_url(forum, published, "move"), {**slot(published, forum.days[0], "14:00", "15:00", hall), "notify": "0"}
    )
    last = _last_id()
    page = en.post(reverse("panels:organizer-undo", args=[forum.slug])).content.decode()
    assert "Move back and notify" in page and "This emails 22 attendees and 1 speaker." in page
    en.post(reverse("panels:organizer-undo", args=[forum.slug]), {"notify": "0"})
    published.refresh_from_db()
    assert published.start == at(forum, 0, "10:00") and not _outbox_after(last).exists()
