"""The public program, panel pages, API and frab exports never name a speaker whose participation
is not accepted (still invited, declined, withdrawn, expired), and every speaker link they show
opens (a speaker without consent is named, never linked)."""

import datetime
import json
import re

import pytest

from panels import services as panel_services
from speakers.models import Invitation
from tests.factories import ForumFactory, InvitationFactory, PanelFactory, RoomFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    forum = ForumFactory(slug="names")
    room = RoomFactory(forum=forum)
    panel = PanelFactory(forum=forum)
    start = forum.local_datetime(forum.start_date, datetime.time(10, 0))
    panel_services.schedule_panel(panel=panel, room=room, start=start, end=start + datetime.timedelta(hours=1))
    people = {}
    for state in ("accepted", "sent", "declined", "withdrawn", "expired"):
        speaker = SpeakerFactory(last_name=f"Person{state.capitalize()}")
        invitation = InvitationFactory(forum=forum, speaker=speaker)
        Invitation.objects.filter(pk=invitation.pk).update(state=state)
        panel_services.add_participant(panel=panel, speaker=speaker)
        people[state] = speaker
    placed = SpeakerFactory(last_name="PersonPlaced")  # put on the panel by an organizer, no invitation
    panel_services.add_participant(panel=panel, speaker=placed)
    shy = SpeakerFactory(last_name="PersonShy", publish_consent=False)
    panel_services.add_participant(panel=panel, speaker=shy)
    panel_services.publish_panel(panel=panel)
    return forum, panel, people


def _pages(client, forum, panel):
    slug = forum.slug
    return {
        url: client.get(url).content.decode()
        for url in (
            f"/forums/{slug}/program/",
            f"/forums/{slug}/panels/{panel.pk}/",
            f"/forums/{slug}/speakers/",
            f"/forums/{slug}/schedule.xml",
            f"/forums/{slug}/schedule.json",
            f"/forums/{slug}/schedule.ics",
            f"/forums/{slug}/program.csv",
            f"/api/v1/panels/?forum={slug}",
            f"/api/v1/panels/{panel.pk}/",
            f"/api/v1/speakers/?forum={slug}",
        )
    }


def test_only_accepted_consenting_speakers_are_named_anywhere_public(client, program):
    forum, panel, _people = program
    for url, body in _pages(client, forum, panel).items():
        for hidden in ("PersonSent", "PersonDeclined", "PersonWithdrawn", "PersonExpired"):
            assert hidden not in body, (url, hidden)
    for url in (f"/forums/{forum.slug}/panels/{panel.pk}/", f"/forums/{forum.slug}/schedule.json"):
        body = _pages(client, forum, panel)[url]
        assert "PersonAccepted" in body and "PersonPlaced" in body, url


def test_every_speaker_link_on_public_pages_opens(client, program):
    forum, panel, _people = program
    for url, body in _pages(client, forum, panel).items():
        if url.startswith("/api/"):
            continue
        for link in set(re.findall(rf"/forums/{forum.slug}/speakers/(\d+)/", body)):
            assert client.get(f"/forums/{forum.slug}/speakers/{link}/").status_code == 200, (url, link)
    schedule = json.loads(client.get(f"/forums/{forum.slug}/schedule.json").content)
    days = schedule["schedule"]["conference"]["days"]
    for person in (p for day in days for events in day["rooms"].values() for e in events for p in e["persons"]):
        if "url" in person:
            assert client.get(person["url"].replace("http://127.0.0.1:8000", "")).status_code == 200, person


def test_organizers_still_see_everyone_on_the_grid(organizer_client, program):
    forum, _panel, _people = program
    body = organizer_client.get(f"/organizer/forums/{forum.slug}/schedule/").content.decode()
    assert "PersonSent" in body and "PersonDeclined" in body
