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


# --- a name without a public profile is never a link, an id or a page address -------------------


@pytest.fixture
def profiles():
    """A published panel with a consenting speaker (PersonOpen) and one who did not consent
    (PersonShy), both placed by an organizer, and a consenting speaker (PersonGone) whose only
    place is on a panel cancelled after publication (shown as cancelled, while no page of theirs
    opens)."""
    forum = ForumFactory(slug="profiles")
    room = RoomFactory(forum=forum)
    start = forum.local_datetime(forum.start_date, datetime.time(10, 0))
    panel, gone = PanelFactory(forum=forum), PanelFactory(forum=forum)
    for index, item in enumerate((panel, gone)):
        moment = start + datetime.timedelta(hours=2 * index)
        panel_services.schedule_panel(panel=item, room=room, start=moment, end=moment + datetime.timedelta(hours=1))
    people = {
        "open": SpeakerFactory(last_name="PersonOpen", publish_consent=True),
        "shy": SpeakerFactory(last_name="PersonShy", publish_consent=False),
        "gone": SpeakerFactory(last_name="PersonGone", publish_consent=True),
    }
    panel_services.add_participant(panel=panel, speaker=people["open"])
    panel_services.add_participant(panel=panel, speaker=people["shy"])
    panel_services.add_participant(panel=gone, speaker=people["gone"])
    panel_services.publish_panel(panel=panel)
    panel_services.publish_panel(panel=gone)
    panel_services.cancel_panel(panel=gone)
    return forum, panel, people


def _links(body, forum):
    return set(re.findall(rf"/forums/{forum.slug}/speakers/(\d+)/", body))


def test_pages_link_only_speakers_whose_page_opens(client, profiles):
    forum, panel, people = profiles
    for url in (f"/forums/{forum.slug}/program/", f"/forums/{forum.slug}/panels/{panel.pk}/"):
        body = client.get(url).content.decode()
        assert "PersonShy" in body, url  # named: the program is public
        assert _links(body, forum) == {str(people["open"].pk)}, url
    assert client.get(f"/forums/{forum.slug}/speakers/{people['shy'].pk}/").status_code == 404
    assert client.get(f"/forums/{forum.slug}/speakers/{people['gone'].pk}/").status_code == 404
    assert client.get(f"/forums/{forum.slug}/speakers/{people['open'].pk}/").status_code == 200


def test_panel_api_gives_a_speaker_id_only_for_a_profile_that_opens(client, profiles):
    forum, panel, people = profiles
    listed = client.get(f"/api/v1/panels/?forum={forum.slug}").json()["results"]
    one = client.get(f"/api/v1/panels/{panel.pk}/").json()
    speakers = [speaker for item in [*listed, one] for speaker in item["speakers"]]
    ids = {speaker["name"].split()[-1]: speaker["id"] for speaker in speakers}
    assert ids["PersonOpen"] == people["open"].pk
    assert ids["PersonShy"] is None and ids["PersonGone"] is None
    for speaker in speakers:
        if speaker["id"] is not None:
            assert client.get(f"/api/v1/speakers/{speaker['id']}/").status_code == 200, speaker
    public_ids = {row["id"] for row in client.get(f"/api/v1/speakers/?forum={forum.slug}").json()["results"]}
    assert public_ids == {people["open"].pk}


def test_frab_exports_give_no_id_guid_or_address_for_a_speaker_without_a_profile(client, profiles):
    forum, _panel, people = profiles
    schedule = json.loads(client.get(f"/forums/{forum.slug}/schedule.json").content)
    days = schedule["schedule"]["conference"]["days"]
    persons = [p for day in days for events in day["rooms"].values() for e in events for p in e["persons"]]
    shy = next(person for person in persons if "PersonShy" in person["name"])
    assert shy == {"name": people["shy"].full_name}
    opened = next(person for person in persons if "PersonOpen" in person["name"])
    assert opened["id"] == people["open"].pk and opened["url"].endswith(f"/speakers/{people['open'].pk}/")
    xml = client.get(f"/forums/{forum.slug}/schedule.xml").content.decode()
    assert f"<person>{people['shy'].full_name}</person>" in xml
    assert f'id="{people["shy"].pk}"' not in re.sub(r"<event [^>]*>", "", xml)
    assert f'<person id="{people["open"].pk}"' in xml


def test_a_withdrawn_speaker_leaves_the_cached_program_at_once(client, settings, program):
    """The program and its exports are cached by the program's version stamp: taking an
    invitation back moves it, so the next visitor no longer sees the name."""
    from speakers import services as speaker_services

    settings.PROGRAM_CACHE_TIMEOUT = 300
    forum, _panel, people = program
    urls = [f"/forums/{forum.slug}/program/", f"/forums/{forum.slug}/schedule.json"]
    for url in urls:
        assert "PersonAccepted" in client.get(url).content.decode(), url
    invitation = Invitation.objects.get(forum=forum, speaker=people["accepted"])
    speaker_services.withdraw_invitation(invitation=invitation)
    for url in urls:
        assert "PersonAccepted" not in client.get(url).content.decode(), url
