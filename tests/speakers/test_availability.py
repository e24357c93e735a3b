import datetime

import pytest

from speakers import services
from speakers.errors import SpeakerError
from speakers.selectors import speakers_unavailable
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
