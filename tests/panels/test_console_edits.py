"""Panels edited in the console, moves told or kept silent, and undoing the last move."""

import pytest

from notifications.models import OutboxMessage
from panels import services
from panels.errors import PanelError
from panels.forms import PanelForm
from panels.models import Panel, ScheduleChange
from tests.factories import PanelFactory, register_attendee
from tests.panels.conftest import at, placed

pytestmark = pytest.mark.django_db


def test_panel_form_creates_a_panel_with_texts_per_language(forum):
    theme = forum.themes.first()
    form = PanelForm(
        forum=forum,
        data={"title_az": "Bulud təhlükəsizliyi", "title_en": "Cloud security", "description_ru": "Облака",
              "theme": str(theme.pk), "format": "workshop", "language": "en", "interpretation": "on",
              "capacity": "40"},
    )  # fmt: skip
    assert form.is_valid(), form.errors
    panel = services.create_panel(forum=forum, **form.service_kwargs())
    assert (panel.title_en, panel.description_ru, panel.theme, panel.format) == (
        "Cloud security", "Облака", theme, "workshop",
    )  # fmt: skip
    assert panel.interpretation and panel.capacity == 40 and panel.language == "en"


def test_panel_form_needs_the_azerbaijani_title(forum):
    form = PanelForm(forum=forum, data={"title_en": "Cloud", "format": "panel", "language": "az"})
    assert not form.is_valid()
    assert "title_az" in form.errors


def test_editing_a_panel_logs_the_change_and_keeps_its_slot(forum, hall):
    panel = placed(forum, hall, 0, "10:00", "11:00")
    services.update_panel(panel=panel, title={"az": "Yeni ad", "en": "New name"}, capacity=20, theme=None)
    panel.refresh_from_db()
    assert (panel.title_az, panel.title_en, panel.capacity, panel.theme) == ("Yeni ad", "New name", 20, None)
    assert panel.status == Panel.Status.SCHEDULED and panel.room == hall
    assert ScheduleChange.objects.filter(panel=panel).first().action == ScheduleChange.Action.UPDATED


def test_editing_refuses_an_empty_azerbaijani_title_and_another_editions_theme(forum, hall):
    from tests.factories import ForumFactory

    panel = PanelFactory(forum=forum)
    with pytest.raises(PanelError) as error:
        services.update_panel(panel=panel, title={"az": " "})
    assert error.value.code == "title_required"
    with pytest.raises(PanelError) as error:
        services.update_panel(panel=panel, theme=ForumFactory().themes.first())
    assert error.value.code == "theme_of_another_forum"


def test_audience_of_a_published_panel_counts_its_speakers_and_the_attendees_who_chose_it(forum, hall, speaker):
    panel = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True)
    for number in range(3):
        register_attendee(forum, email=f"a{number}@example.org").panels.add(panel)
    assert services.change_audience(panel=panel) == {"speakers": 1, "attendees": 3}
    draft = PanelFactory(forum=forum)
    assert services.change_audience(panel=draft) == {"speakers": 0, "attendees": 0}


def test_a_silent_move_tells_nobody_and_notes_it_in_the_log(forum, hall, speaker):
    panel = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True)
    register_attendee(forum).panels.add(panel)
    last = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
    services.move_panel(panel=panel, start=at(forum, 0, "12:00"), end=at(forum, 0, "13:00"), notify=False)
    assert not OutboxMessage.objects.filter(id__gt=last).exists()
    assert ScheduleChange.objects.filter(panel=panel).first().after["silent"] is True
    services.move_panel(panel=panel, start=at(forum, 0, "14:00"), end=at(forum, 0, "15:00"))
    kinds = set(OutboxMessage.objects.filter(id__gt=last).values_list("kind", flat=True))
    assert {"schedule_changed", "registration_panel_changed"} <= kinds


def test_undo_puts_the_last_moved_panel_back(forum, hall, side_room):
    panel = placed(forum, hall, 0, "10:00", "11:00")
    services.move_panel(panel=panel, room=side_room, start=at(forum, 1, "12:00"), end=at(forum, 1, "13:00"))
    assert services.last_undoable_move(forum=forum) is not None
    services.undo_last_move(forum=forum)
    panel.refresh_from_db()
    assert (panel.room, panel.start, panel.end) == (hall, at(forum, 0, "10:00"), at(forum, 0, "11:00"))
    # The undo is itself the last move and is not undone again.
    assert services.last_undoable_move(forum=forum) is None
    with pytest.raises(PanelError) as error:
        services.undo_last_move(forum=forum)
    assert error.value.code == "nothing_to_undo"


def test_undo_is_refused_once_something_else_changed(forum, hall):
    panel = placed(forum, hall, 0, "10:00", "11:00")
    services.move_panel(panel=panel, start=at(forum, 0, "12:00"), end=at(forum, 0, "13:00"))
    services.update_panel(panel=panel, capacity=10)
    assert services.last_undoable_move(forum=forum) is None
