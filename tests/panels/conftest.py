import datetime

import pytest
from django.conf import settings
from django.utils import translation

from panels import services
from tests.factories import PanelFactory, RoomFactory, SpeakerFactory


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A page fetched in English leaves English active in this thread (the locale middleware does
    not reset it): tests that read service messages expect the default language, whatever ran first."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def at(forum, day, clock):
    """An aware datetime: forum day number ``day`` (0-based) at forum-local ``HH:MM``."""
    hours, minutes = map(int, clock.split(":"))
    return forum.local_datetime(forum.days[day], datetime.time(hours, minutes))


@pytest.fixture
def hall(forum):
    return RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall"}, capacity=300, order=1)


@pytest.fixture
def side_room(forum):
    return RoomFactory(forum=forum, name={"az": "Kiçik zal", "en": "Side Room"}, capacity=40, order=2)


def placed(forum, room, day, start, end, *, speakers=(), publish=False, **kwargs):
    """A panel with ``speakers``, scheduled in ``room`` on ``day`` from ``start`` to ``end``."""
    panel = PanelFactory(forum=forum, **kwargs)
    for speaker in speakers:
        services.add_participant(panel=panel, speaker=speaker)
    panel = services.schedule_panel(panel=panel, room=room, start=at(forum, day, start), end=at(forum, day, end)).panel
    if publish:
        panel = services.publish_panel(panel=panel)
    return panel


@pytest.fixture
def speaker(db):
    return SpeakerFactory(first_name="Leyla", last_name="Aliyeva", preferred_language="az")
