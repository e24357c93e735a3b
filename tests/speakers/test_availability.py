import datetime

import pytest
from django.utils import translation

from panels.models import Availability
from panels.selectors import speakers_unavailable
from speakers import services
from speakers.errors import SpeakerError
from tests.factories import SpeakerFactory
from tests.speakers.conftest import sent_invitation

pytestmark = pytest.mark.django_db


def _at(forum, day, hour, minute=0):
    return forum.local_datetime(forum.days[day], datetime.time(hour, minute))


def test_unavailable_lists_only_speakers_whose_windows_miss_the_slot(forum):
    morning, _t = sent_invitation(forum)
    afternoon, _t = sent_invitation(forum)
    services.set_availability(invitation=morning, windows=[(_at(forum, 0, 9), _at(forum, 0, 12))])
    services.set_availability(invitation=afternoon, windows=[(_at(forum, 0, 13), _at(forum, 0, 18))])
    silent = SpeakerFactory()
    ids = [morning.speaker_id, afternoon.speaker_id, silent.pk]
    assert speakers_unavailable(forum=forum, speaker_ids=ids, start=_at(forum, 0, 10), end=_at(forum, 0, 11)) == [
        afternoon.speaker_id
    ]
    # Exactly the window is fine; one minute beyond is not.
    assert speakers_unavailable(forum=forum, speaker_ids=ids, start=_at(forum, 0, 9), end=_at(forum, 0, 12)) == [
        afternoon.speaker_id
    ]
    assert set(
        speakers_unavailable(forum=forum, speaker_ids=ids, start=_at(forum, 0, 11), end=_at(forum, 0, 12, 1))
    ) == {morning.speaker_id, afternoon.speaker_id}
    # Another day: both stated windows only on day one.
    assert set(speakers_unavailable(forum=forum, speaker_ids=ids, start=_at(forum, 1, 10), end=_at(forum, 1, 11))) == {
        morning.speaker_id,
        afternoon.speaker_id,
    }


def test_touching_windows_cover_a_slot_across_them(forum):
    invitation, _t = sent_invitation(forum)
    services.set_availability(
        invitation=invitation,
        windows=[(_at(forum, 0, 9), _at(forum, 0, 11)), (_at(forum, 0, 11), _at(forum, 0, 13))],
    )
    assert (
        speakers_unavailable(
            forum=forum, speaker_ids=[invitation.speaker_id], start=_at(forum, 0, 10), end=_at(forum, 0, 12)
        )
        == []
    )


def test_windows_outside_the_forum_or_reversed_are_refused(forum):
    invitation, _t = sent_invitation(forum)
    before = forum.local_datetime(forum.start_date - datetime.timedelta(days=1), datetime.time(10))
    with pytest.raises(SpeakerError):
        services.set_availability(invitation=invitation, windows=[(before, before + datetime.timedelta(hours=1))])
    with pytest.raises(SpeakerError):
        services.set_availability(invitation=invitation, windows=[(_at(forum, 0, 12), _at(forum, 0, 10))])


def test_availability_is_per_forum(forum):
    from tests.factories import ForumFactory

    invitation, _t = sent_invitation(forum)
    services.set_availability(invitation=invitation, windows=[(_at(forum, 0, 9), _at(forum, 0, 10))])
    other = ForumFactory(start_date=forum.start_date + datetime.timedelta(days=400),
                         end_date=forum.end_date + datetime.timedelta(days=400))  # fmt: skip
    assert (
        speakers_unavailable(
            forum=other, speaker_ids=[invitation.speaker_id], start=_at(other, 0, 15), end=_at(other, 0, 16)
        )
        == []
    )


# --- the RSVP form: up to three windows a day -------------------------------------------------


def _form(forum, data=None, windows=()):
    from speakers.forms import AvailabilityForm

    with translation.override("en"):
        form = AvailabilityForm(data, forum=forum, windows=windows)
        # The messages are lazy: read them while English is active.
        form.messages = {name: [str(m) for m in problems] for name, problems in form.errors.items()}
    return form


def test_form_offers_three_windows_for_each_forum_day(forum):
    form = _form(forum)
    names = list(form.fields)
    assert names == [
        f"day{day}_{row}_{edge}" for day in range(len(forum.days)) for row in range(3) for edge in ("from", "to")
    ]
    assert [(day, [number for number, _f, _t in rows]) for day, rows in form.days()] == [
        (day, [1, 2, 3]) for day in forum.days
    ]


def test_form_is_prefilled_from_stored_windows_in_forum_time(forum):
    invitation, _t = sent_invitation(forum)
    services.set_availability(
        invitation=invitation,
        windows=[(_at(forum, 0, 15), _at(forum, 0, 18)), (_at(forum, 0, 9), _at(forum, 0, 12)),
                 (_at(forum, 1, 10), _at(forum, 1, 11, 30))],
    )  # fmt: skip
    stored = Availability.objects.filter(forum=forum, speaker=invitation.speaker)
    form = _form(forum, windows=list(stored))
    initial = {name: field.initial for name, field in form.fields.items() if field.initial}
    assert initial == {
        "day0_0_from": datetime.time(9), "day0_0_to": datetime.time(12),
        "day0_1_from": datetime.time(15), "day0_1_to": datetime.time(18),
        "day1_0_from": datetime.time(10), "day1_0_to": datetime.time(11, 30),
    }  # fmt: skip


def test_form_turns_rows_into_sorted_windows_of_each_day(forum):
    form = _form(forum, {"day0_2_from": "15:00", "day0_2_to": "18:00", "day0_0_from": "09:00", "day0_0_to": "12:00",
                         "day1_1_from": "12:00", "day1_1_to": "13:00"})  # fmt: skip
    assert form.messages == {}
    assert form.windows() == [
        (_at(forum, 0, 9), _at(forum, 0, 12)),
        (_at(forum, 0, 15), _at(forum, 0, 18)),
        (_at(forum, 1, 12), _at(forum, 1, 13)),
    ]


def test_form_refuses_a_window_with_one_time_or_ending_before_it_starts(forum):
    form = _form(forum, {"day0_0_from": "09:00", "day0_1_to": "12:00", "day1_0_from": "12:00", "day1_0_to": "10:00",
                         "day1_1_from": "13:00", "day1_1_to": "13:00"})  # fmt: skip
    assert form.messages == {
        "day0_0_to": ["Give both times, or leave both empty."],
        "day0_1_from": ["Give both times, or leave both empty."],
        "day1_0_to": ["The end must be after the start."],
        "day1_1_to": ["The end must be after the start."],
    }


def test_form_refuses_overlapping_windows_of_one_day_but_not_touching_ones_or_other_days(forum):
    form = _form(forum, {"day0_0_from": "09:00", "day0_0_to": "18:00", "day0_1_from": "10:00", "day0_1_to": "11:00",
                         "day0_2_from": "17:00", "day0_2_to": "19:00"})  # fmt: skip
    message = "This window overlaps 09:00–18:00 on the same day; join them into one."
    assert form.messages == {"day0_1_from": [message], "day0_2_from": [message]}

    touching = _form(forum, {"day0_0_from": "09:00", "day0_0_to": "12:00", "day0_1_from": "12:00",
                             "day0_1_to": "15:00", "day1_0_from": "10:00", "day1_0_to": "11:00"})  # fmt: skip
    assert touching.messages == {}
    invitation, _t = sent_invitation(forum)
    # Touching windows are merged by the service into one.
    assert services.set_availability(invitation=invitation, windows=touching.windows()).windows == [
        (_at(forum, 0, 9), _at(forum, 0, 15)),
        (_at(forum, 1, 10), _at(forum, 1, 11)),
    ]


def test_form_messages_are_translated(forum):
    from speakers.forms import AvailabilityForm

    with translation.override("ru"):
        form = AvailabilityForm(
            {"day0_0_from": "09:00", "day0_0_to": "12:00", "day0_1_from": "11:00", "day0_1_to": "13:00"}, forum=forum
        )
        assert not form.is_valid()
        [message] = form.errors["day0_1_from"]
    assert "09:00–12:00" in message and "overlaps" not in message


# --- the scheduler sees the gap between two windows --------------------------------------------


def test_scheduling_a_panel_in_the_gap_between_two_windows_is_refused_for_availability(forum):
    from panels import services as panel_services
    from panels.errors import PanelError
    from tests.factories import PanelFactory, RoomFactory

    invitation, _t = sent_invitation(forum)
    services.set_availability(
        invitation=invitation, windows=[(_at(forum, 0, 9), _at(forum, 0, 12)), (_at(forum, 0, 15), _at(forum, 0, 18))]
    )
    room = RoomFactory(forum=forum)
    panel = PanelFactory(forum=forum)
    panel_services.add_participant(panel=panel, speaker=invitation.speaker)
    with pytest.raises(PanelError) as refused:
        panel_services.schedule_panel(panel=panel, room=room, start=_at(forum, 0, 12), end=_at(forum, 0, 13))
    assert [conflict["code"] for conflict in refused.value.conflicts] == ["speaker_unavailable"]
    assert refused.value.conflicts[0]["speaker"] == invitation.speaker_id
    # Straddling the gap is refused as well; inside either window is fine.
    with pytest.raises(PanelError):
        panel_services.schedule_panel(panel=panel, room=room, start=_at(forum, 0, 11), end=_at(forum, 0, 16))
    placed = panel_services.schedule_panel(panel=panel, room=room, start=_at(forum, 0, 15), end=_at(forum, 0, 16))
    assert placed.panel.start == _at(forum, 0, 15)


def test_a_day_with_more_stored_windows_than_rows_shows_them_all_and_saving_keeps_them(client, forum):
    invitation, token = sent_invitation(forum)
    hours = [(8, 9), (10, 11), (12, 13), (14, 15)]  # four windows, possible through the API
    services.set_availability(invitation=invitation, windows=[(_at(forum, 0, a), _at(forum, 0, b)) for a, b in hours])
    page = client.get(f"/rsvp/{token}/").content.decode()
    assert 'name="day0_3_from" value="14:00"' in page and 'name="day1_2_from"' in page
    assert 'name="day1_3_from"' not in page
    data = {"action": "availability"}
    for row, (a, b) in enumerate(hours):
        data |= {f"day0_{row}_from": f"{a:02d}:00", f"day0_{row}_to": f"{b:02d}:00"}
    assert client.post(f"/rsvp/{token}/", data).status_code == 302
    assert Availability.objects.filter(speaker=invitation.speaker, forum=forum).count() == 4


def test_a_window_running_to_midnight_is_shown_ending_at_23_59(forum):
    invitation, _t = sent_invitation(forum)
    midnight = forum.local_datetime(forum.days[1], datetime.time(0))
    services.set_availability(invitation=invitation, windows=[(_at(forum, 0, 20), midnight)])
    form = _form(forum, windows=list(Availability.objects.filter(speaker=invitation.speaker)))
    assert (form.fields["day0_0_from"].initial, form.fields["day0_0_to"].initial) == (
        datetime.time(20),
        datetime.time(23, 59),
    )
