import datetime

import pytest
from django.utils import translation

from forum import services as forum_services
from notifications.models import OutboxMessage
from notifications.services import render_message
from panels import services
from panels.errors import PanelError
from panels.models import Panel, ScheduleChange
from tests.factories import OrganizerFactory, PanelFactory, RoomFactory, SpeakerFactory
from tests.panels.conftest import at, placed

pytestmark = pytest.mark.django_db


def codes(exc_info):
    return [conflict["code"] for conflict in exc_info.value.conflicts]


def test_scheduling_a_free_slot_makes_the_panel_scheduled_and_raises_its_sequence(forum, hall):
    panel = PanelFactory(forum=forum)
    result = services.schedule_panel(panel=panel, room=hall, start=at(forum, 0, "10:00"), end=at(forum, 0, "11:00"))
    panel.refresh_from_db()
    assert result.panel.pk == panel.pk
    assert panel.status == Panel.Status.SCHEDULED
    assert panel.room == hall
    assert panel.start == at(forum, 0, "10:00")
    assert panel.sequence == 1
    assert result.warnings == []


def test_second_booking_of_room_is_refused_with_the_booked_panel_named(forum, hall):
    first = placed(forum, hall, 0, "10:00", "11:00", title={"az": "Açılış"})
    second = PanelFactory(forum=forum)
    with pytest.raises(PanelError) as exc, translation.override("en"):
        services.schedule_panel(panel=second, room=hall, start=at(forum, 0, "10:30"), end=at(forum, 0, "11:30"))
    assert exc.value.status == 409
    assert exc.value.code == "schedule_conflict"
    assert exc.value.conflicts == [
        {
            "code": "room_booked",
            "message": f"Main Hall is already booked at {forum.days[0]:%d.%m.%Y} 10:00–11:00 for “Açılış”.",
            "panel": first.pk,
        }
    ]
    with pytest.raises(PanelError) as exc:  # in the active language, Azerbaijani by default
        services.schedule_panel(panel=second, room=hall, start=at(forum, 0, "10:30"), end=at(forum, 0, "11:30"))
    day = f"{forum.days[0]:%d.%m.%Y}"
    assert exc.value.message == f"Böyük zal {day} 10:00–11:00 vaxtında artıq “Açılış” üçün tutulub."
    second.refresh_from_db()
    assert second.status == Panel.Status.DRAFT and second.start is None and second.sequence == 0


def test_back_to_back_panels_in_one_room_do_not_clash(forum, hall):
    placed(forum, hall, 0, "10:00", "11:00")
    second = placed(forum, hall, 0, "11:00", "12:00")
    assert second.status == Panel.Status.SCHEDULED


def test_speaker_on_an_overlapping_panel_in_another_room_is_refused(forum, hall, side_room, speaker):
    busy = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker])
    panel = PanelFactory(forum=forum)
    services.add_participant(panel=panel, speaker=speaker)
    with pytest.raises(PanelError) as exc:
        services.schedule_panel(panel=panel, room=side_room, start=at(forum, 0, "10:45"), end=at(forum, 0, "11:45"))
    assert exc.value.status == 409
    (conflict,) = exc.value.conflicts
    assert conflict["code"] == "speaker_busy"
    assert conflict["speaker"] == speaker.pk and conflict["panel"] == busy.pk
    assert "Leyla Aliyeva" in conflict["message"] and "Böyük zal" in conflict["message"]


def test_every_conflict_is_reported_at_once(forum, hall, speaker):
    other_speaker = SpeakerFactory()
    placed(forum, hall, 0, "17:00", "18:00", speakers=[speaker, other_speaker])
    panel = PanelFactory(forum=forum)
    services.add_participant(panel=panel, speaker=speaker)
    services.add_participant(panel=panel, speaker=other_speaker)
    with pytest.raises(PanelError) as exc:
        services.schedule_panel(panel=panel, room=hall, start=at(forum, 0, "17:30"), end=at(forum, 0, "18:30"))
    assert sorted(codes(exc)) == ["outside_opening_hours", "room_booked", "speaker_busy", "speaker_busy"]
    assert exc.value.message.count(".") >= 4  # one sentence per reason


def test_opening_hours_are_the_forum_local_clock_not_utc(forum, hall):
    # 09:00 in Baku is 05:00 UTC: a slot at 08:00-09:00 Baku time is before opening even though
    # it is well inside 09:00-18:00 in no time zone at all.
    too_early = PanelFactory(forum=forum)
    with pytest.raises(PanelError) as exc:
        services.schedule_panel(panel=too_early, room=hall, start=at(forum, 0, "08:00"), end=at(forum, 0, "09:00"))
    assert codes(exc) == ["outside_opening_hours"]
    utc = datetime.UTC
    day = forum.days[0]
    opening = services.schedule_panel(
        panel=PanelFactory(forum=forum),
        room=hall,
        start=datetime.datetime.combine(day, datetime.time(5, 0), tzinfo=utc),
        end=datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=utc),
    ).panel
    assert opening.local_start.time() == datetime.time(9, 0)


def test_a_time_without_offset_is_read_as_forum_local(forum, hall):
    day = forum.days[1]
    panel = services.schedule_panel(
        panel=PanelFactory(forum=forum),
        room=hall,
        start=datetime.datetime.combine(day, datetime.time(17, 0)),
        end=datetime.datetime.combine(day, datetime.time(18, 0)),
    ).panel
    assert panel.start == at(forum, 1, "17:00")


def test_slot_outside_the_forum_days_is_refused(forum, hall):
    panel = PanelFactory(forum=forum)
    day_after = forum.end_date + datetime.timedelta(days=1)
    start = forum.local_datetime(day_after, datetime.time(10, 0))
    with pytest.raises(PanelError) as exc:
        services.schedule_panel(panel=panel, room=hall, start=start, end=start + datetime.timedelta(hours=1))
    assert codes(exc) == ["outside_forum_dates"]
    assert exc.value.status == 409


def test_end_before_start_is_invalid_input(forum, hall):
    panel = PanelFactory(forum=forum)
    with pytest.raises(PanelError) as exc:
        services.schedule_panel(panel=panel, room=hall, start=at(forum, 0, "11:00"), end=at(forum, 0, "10:00"))
    assert exc.value.status == 400
    assert codes(exc) == ["end_before_start"]


def test_a_slot_shorter_than_fifteen_minutes_is_refused(forum, hall):
    panel = PanelFactory(forum=forum)
    with pytest.raises(PanelError) as exc:
        services.schedule_panel(panel=panel, room=hall, start=at(forum, 0, "10:00"), end=at(forum, 0, "10:14"))
    assert exc.value.status == 400
    assert codes(exc) == ["too_short"]
    fifteen = services.schedule_panel(panel=panel, room=hall, start=at(forum, 0, "10:00"), end=at(forum, 0, "10:15"))
    assert fifteen.panel.status == Panel.Status.SCHEDULED


def test_another_forums_room_is_invalid_input(forum, hall):
    elsewhere = RoomFactory()
    panel = PanelFactory(forum=forum)
    with pytest.raises(PanelError) as exc:
        services.schedule_panel(panel=panel, room=elsewhere, start=at(forum, 0, "10:00"), end=at(forum, 0, "11:00"))
    assert exc.value.status == 400
    assert codes(exc) == ["room_of_another_forum"]
    assert Panel.objects.get(pk=panel.pk).room_id is None


def test_capacity_above_the_room_is_a_warning_not_a_refusal(forum, side_room):
    panel = PanelFactory(forum=forum, capacity=120)
    result = services.schedule_panel(
        panel=panel, room=side_room, start=at(forum, 0, "10:00"), end=at(forum, 0, "11:00")
    )
    assert result.panel.status == Panel.Status.SCHEDULED
    assert [warning["code"] for warning in result.warnings] == ["capacity_exceeds_room"]
    assert "120" in result.warnings[0]["message"] and "40" in result.warnings[0]["message"]


def test_capacity_defaults_to_the_room(forum, side_room):
    panel = placed(forum, side_room, 0, "10:00", "11:00")
    assert panel.capacity is None and panel.effective_capacity == 40


def test_availability_hook_refuses_a_speaker_outside_their_stated_time(forum, hall, speaker, monkeypatch):
    # The speakers app implements the selector; here it reports our speaker as unavailable.
    calls = []

    def unavailable(*, forum, speaker_ids, start, end):
        calls.append((forum.pk, list(speaker_ids), start, end))
        return [speaker.pk]

    monkeypatch.setattr("panels.selectors.speakers_unavailable", unavailable)
    panel = PanelFactory(forum=forum)
    services.add_participant(panel=panel, speaker=speaker)
    with pytest.raises(PanelError) as exc:
        services.schedule_panel(panel=panel, room=hall, start=at(forum, 0, "10:00"), end=at(forum, 0, "11:00"))
    assert codes(exc) == ["speaker_unavailable"]
    assert calls == [(forum.pk, [speaker.pk], at(forum, 0, "10:00"), at(forum, 0, "11:00"))]


def test_cancelled_panel_frees_its_room(forum, hall):
    first = placed(forum, hall, 0, "10:00", "11:00")
    services.cancel_panel(panel=first)
    second = placed(forum, hall, 0, "10:00", "11:00")
    assert second.status == Panel.Status.SCHEDULED


def test_adding_a_busy_speaker_to_a_scheduled_panel_is_refused(forum, hall, side_room, speaker):
    placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker])
    panel = placed(forum, side_room, 0, "10:30", "11:30")
    with pytest.raises(PanelError) as exc:
        services.add_participant(panel=panel, speaker=speaker)
    assert codes(exc) == ["speaker_busy"]
    assert not panel.participations.exists()


def test_the_same_speaker_twice_on_a_panel_is_refused(forum, speaker):
    panel = PanelFactory(forum=forum)
    services.add_participant(panel=panel, speaker=speaker)
    with pytest.raises(PanelError) as exc:
        services.add_participant(panel=panel, speaker=speaker)
    assert exc.value.status == 409 and codes(exc) == ["already_on_panel"]


def test_moving_keeps_the_room_unless_told_and_logs_before_and_after(forum, hall):
    organizer = OrganizerFactory()
    panel = placed(forum, hall, 0, "10:00", "11:00")
    services.move_panel(panel=panel, start=at(forum, 1, "14:00"), end=at(forum, 1, "15:30"), actor=organizer)
    panel.refresh_from_db()
    assert panel.room == hall and panel.start == at(forum, 1, "14:00") and panel.sequence == 2
    change = ScheduleChange.objects.filter(panel=panel).first()
    assert change.action == ScheduleChange.Action.MOVED
    assert change.actor == organizer
    assert change.before["start"] == at(forum, 0, "10:00").isoformat()
    assert change.after["start"] == at(forum, 1, "14:00").isoformat()
    assert change.after["room"] == hall.name and change.after["sequence"] == 2


def test_moving_a_panel_onto_itself_overlapping_is_allowed(forum, hall):
    panel = placed(forum, hall, 0, "10:00", "11:00")
    services.move_panel(panel=panel, start=at(forum, 0, "10:30"), end=at(forum, 0, "11:30"))
    panel.refresh_from_db()
    assert panel.start == at(forum, 0, "10:30")


def test_a_draft_cannot_be_moved_nor_published(forum, hall):
    panel = PanelFactory(forum=forum)
    with pytest.raises(PanelError) as exc:
        services.move_panel(panel=panel, room=hall, start=at(forum, 0, "10:00"), end=at(forum, 0, "11:00"))
    assert exc.value.status == 409 and codes(exc) == ["wrong_status"]
    with pytest.raises(PanelError) as exc:
        services.publish_panel(panel=panel)
    assert codes(exc) == ["not_scheduled"]


def test_every_change_is_in_the_log(forum, hall, speaker):
    panel = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True)
    services.move_panel(panel=panel, start=at(forum, 0, "12:00"), end=at(forum, 0, "13:00"))
    services.unschedule_panel(panel=panel)
    services.cancel_panel(panel=panel)
    actions = list(ScheduleChange.objects.filter(panel=panel).order_by("id").values_list("action", flat=True))
    assert actions == ["created", "speaker_added", "scheduled", "published", "moved", "unscheduled", "cancelled"]


def test_moving_a_published_panel_queues_a_message_to_each_speaker(forum, hall, side_room, speaker):
    english = SpeakerFactory(first_name="John", last_name="Smith", preferred_language="en")
    panel = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker, english], publish=True)
    services.move_panel(panel=panel, room=side_room, start=at(forum, 1, "15:00"), end=at(forum, 1, "16:00"))
    panel.refresh_from_db()
    messages = {message.recipient: message for message in OutboxMessage.objects.filter(kind="schedule_changed")}
    assert set(messages) == {speaker.email, english.email}
    message = messages[english.email]
    assert message.language == "en"
    assert message.dedupe_key == f"schedule_changed:{panel.pk}:{panel.sequence}:{english.pk}"
    assert message.related == panel
    assert message.context["before"]["when"] == f"{forum.days[0]:%d.%m.%Y} 10:00–11:00"
    assert message.context["after"] == {"when": f"{forum.days[1]:%d.%m.%Y} 15:00–16:00", "room": "Side Room"}
    assert messages[speaker.email].context["after"]["room"] == "Kiçik zal"
    subject, text, html = render_message(message)
    assert subject == f"New time or room: {panel.title_en}"
    assert "15:00–16:00, Side Room" in text and "Asia/Baku" in text
    assert "<strong>" in html and "Side Room" in html


def test_scheduling_changes_before_publication_queue_nothing(forum, hall, speaker):
    panel = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker])
    services.move_panel(panel=panel, start=at(forum, 0, "12:00"), end=at(forum, 0, "13:00"))
    services.cancel_panel(panel=panel)
    assert not OutboxMessage.objects.exists()


def test_cancelling_a_published_panel_tells_speakers_in_their_language(forum, hall, speaker):
    panel = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True)
    services.cancel_panel(panel=panel)
    message = OutboxMessage.objects.get(kind="schedule_changed", recipient=speaker.email)
    assert message.context["change"] == "cancelled" and message.context["after"] is None
    subject, text, _html = render_message(message)
    assert subject == f"Ləğv edildi: {panel.title_az}"
    assert "ləğv edilib" in text


@pytest.mark.parametrize("language", ["az", "en", "ru", "tr"])
def test_schedule_changed_mail_renders_in_every_language(forum, hall, language):
    person = SpeakerFactory(preferred_language=language)
    panel = placed(forum, hall, 0, "10:00", "11:00", speakers=[person], publish=True)
    services.move_panel(panel=panel, start=at(forum, 0, "12:00"), end=at(forum, 0, "13:00"))
    message = OutboxMessage.objects.get(kind="schedule_changed", recipient=person.email)
    subject, text, html = render_message(message)
    with translation.override(language):
        expected = translation.gettext("New time or room: %(title)s") % {"title": ""}
    assert subject.startswith(expected.strip())
    if language != "en":
        assert "New time or room" not in subject
    assert person.full_name in text and "12:00–13:00" in html


def test_each_move_of_a_published_panel_is_a_new_message(forum, hall, speaker):
    panel = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True)
    services.move_panel(panel=panel, start=at(forum, 0, "12:00"), end=at(forum, 0, "13:00"))
    services.move_panel(panel=panel, start=at(forum, 0, "14:00"), end=at(forum, 0, "15:00"))
    assert OutboxMessage.objects.filter(kind="schedule_changed", recipient=speaker.email).count() == 2


def test_publishing_a_panel_tells_its_speakers_their_time_once(forum, hall, speaker):
    panel = placed(forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True)
    services.publish_panel(panel=panel)  # already public: nothing new
    message = OutboxMessage.objects.get(kind="session_published", recipient=speaker.email)
    assert message.context["change"] == "published"
    assert message.context["after"]["when"] == f"{forum.days[0]:%d.%m.%Y} 10:00–11:00"
    subject, text, html = render_message(message)
    assert subject == f"Sessiyanızın vaxtı: {panel.title_az}"
    assert "10:00–11:00" in text and "10:00–11:00" in html and "- :" not in text


def test_publishing_all_is_all_or_nothing(forum, hall, side_room, speaker):
    good = placed(forum, hall, 0, "10:00", "11:00")
    bad = placed(forum, side_room, 0, "16:00", "17:00")
    # The forum's hours shrink after scheduling: the late panel now breaks the rules.
    forum.day_closes_at = datetime.time(16, 30)
    forum.save()
    with pytest.raises(PanelError) as exc:
        services.publish_panels(forum=forum)
    assert codes(exc) == ["outside_opening_hours"]
    assert exc.value.conflicts[0]["panel"] == bad.pk
    assert Panel.objects.get(pk=good.pk).status == Panel.Status.SCHEDULED
    services.unschedule_panel(panel=bad)
    published = services.publish_panels(forum=forum)
    assert [panel.pk for panel in published] == [good.pk]
    good.refresh_from_db()
    assert good.status == Panel.Status.PUBLISHED and good.published_at is not None


def test_unscheduling_keeps_the_room_as_a_preference(forum, hall):
    panel = placed(forum, hall, 0, "10:00", "11:00")
    services.unschedule_panel(panel=panel)
    panel.refresh_from_db()
    assert panel.status == Panel.Status.DRAFT
    assert panel.start is None and panel.end is None and panel.room == hall


def test_create_panel_refuses_another_forums_theme(forum):
    other = RoomFactory().forum
    with pytest.raises(PanelError) as exc:
        services.create_panel(forum=forum, title="Panel", theme=other.themes.first())
    assert exc.value.status == 400 and exc.value.fields == {"theme": [exc.value.message]}
    assert not Panel.objects.exists()


def test_create_panel_needs_an_azerbaijani_title(forum):
    with pytest.raises(PanelError) as exc:
        services.create_panel(forum=forum, title={"en": "Only English"})
    assert exc.value.status == 400 and exc.value.fields == {"title": [exc.value.message]}
    assert not Panel.objects.exists()


def test_copying_an_edition_copies_panels_as_unscheduled_drafts(forum, hall, speaker):
    panel = placed(
        forum,
        hall,
        0,
        "10:00",
        "11:00",
        speakers=[speaker],
        publish=True,
        title={"az": "Süni intellekt", "en": "AI", "ru": "ИИ", "tr": "Yapay zeka"},
        theme=forum.themes.get(code="cii"),
        capacity=250,
    )
    dropped = placed(forum, hall, 1, "10:00", "11:00")
    services.cancel_panel(panel=dropped)
    copy_forum = forum_services.copy_forum(source=forum, start_date=forum.start_date + datetime.timedelta(days=364))
    (copy,) = copy_forum.panels.all()
    assert copy.status == Panel.Status.DRAFT
    assert copy.start is None and copy.end is None and copy.sequence == 0
    assert copy.room.forum == copy_forum and copy.room.name_en == "Main Hall"
    assert copy.theme.forum == copy_forum and copy.theme.code == "cii"
    assert (copy.title_az, copy.title_en, copy.title_ru, copy.title_tr) == ("Süni intellekt", "AI", "ИИ", "Yapay zeka")
    assert copy.capacity == 250
    assert not copy.participations.exists()
    assert Panel.objects.get(pk=panel.pk).forum == forum
    assert copy.changes.get().action == ScheduleChange.Action.COPIED
