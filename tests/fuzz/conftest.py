"""The world the fuzz walks: a public edition with rooms, a published panel with a speaker, a
draft panel, a sent invitation and a registration with their real personal-link tokens, an outbox
message, and an organizer signed in. Counts of requests and statuses per class are printed at the
end of the run."""

import collections
import datetime

import pytest

RESULTS = collections.defaultdict(collections.Counter)


def record(kind, response):
    RESULTS[kind][response.status_code] += 1


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    terminalreporter.section("fuzz: requests and statuses per class")
    for kind in sorted(RESULTS):
        counter = RESULTS[kind]
        statuses = ", ".join(f"{status}×{count}" for status, count in sorted(counter.items()))
        terminalreporter.write_line(f"{kind}: {sum(counter.values())} requests ({statuses})")


@pytest.fixture(autouse=True)
def _no_limits_in_the_way(settings):
    """The fuzz sends far more requests than any limit allows; the limits have their own tests."""
    settings.RATELIMIT_ENABLE = False
    settings.AXES_ENABLED = False
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates, "100000/hour"),
    }


@pytest.fixture
def world(db, client):
    from notifications import services as notification_services
    from panels import services as panel_services
    from tests.factories import (
        ForumFactory,
        OrganizerFactory,
        PanelFactory,
        RoomFactory,
        SpeakerFactory,
        register_attendee,
    )
    from tests.speakers.conftest import sent_invitation

    forum = ForumFactory(slug="fuzz", capacity=500)
    hall = RoomFactory(forum=forum, order=1, name="Hall")
    RoomFactory(forum=forum, order=2, name="Side")
    speaker = SpeakerFactory(publish_consent=True)
    panel = PanelFactory(forum=forum)
    start = forum.local_datetime(forum.start_date, datetime.time(10, 0))
    panel_services.schedule_panel(panel=panel, room=hall, start=start, end=start + datetime.timedelta(hours=1))
    panel_services.add_participant(panel=panel, speaker=speaker)
    panel_services.publish_panel(panel=panel)
    draft = PanelFactory(forum=forum)
    invitation, rsvp_token = sent_invitation(forum)
    registration = register_attendee(forum)
    message = notification_services.enqueue(
        kind="registration_confirmation", recipient="fuzz@example.org", language="en", context={}, dedupe_key="fuzz"
    )
    organizer = OrganizerFactory()
    client.force_login(organizer)
    return {
        "client": client,
        "forum": forum,
        "room": hall,
        "panel": panel,
        "draft": draft,
        "speaker": speaker,
        "invitation": invitation,
        "rsvp_token": rsvp_token,
        "registration": registration,
        "registration_token": registration.raw_token,
        "message": message,
        "organizer": organizer,
    }
