"""A speaker who changes their windows after being placed: the change is saved, the expert is
warned on the RSVP page, the organizers are told once, and the grid shows the conflict."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import OutboxMessage
from notifications.services import deliver
from panels.conflicts import local_when
from panels.models import Availability, Panel
from speakers import services
from tests.speakers.conftest import make_panel, sent_invitation

pytestmark = pytest.mark.django_db
KIND = "speaker_availability_conflict"
DESK = "desk@forum.example"


def _at(forum, day, hour):
    return forum.local_datetime(forum.days[day], datetime.time(hour))


@pytest.fixture
def placed(forum, settings):
    """Ana Novak accepted and sits on a published panel, day one 10:00–11:00; no windows yet."""
    settings.ORGANIZER_EMAILS = [DESK]
    panel = make_panel(forum, title="Threat intelligence sharing", hour=10)
    invitation, token = sent_invitation(forum, first_name="Ana", last_name="Novak", preferred_language="en")
    services.offer_panel(invitation=invitation, panel=panel)
    services.accept_invitation(invitation=invitation, panel_answers={panel.pk: True})
    invitation.refresh_from_db()
    return panel, invitation, token


def _notices(recipient=DESK):
    return list(OutboxMessage.objects.filter(kind=KIND, recipient=recipient))


def _grid_article(client, forum, panel):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("panels:organizer-schedule", args=[forum.slug])).content.decode()
    return html.split(f'id="panel-{panel.pk}"', 1)[1].split("</article>", 1)[0]


def test_grid_shows_an_availability_conflict_after_the_speaker_changes_their_windows(organizer_client, forum, placed):
    panel, invitation, _token = placed
    assert 'data-code="speaker_unavailable"' not in _grid_article(organizer_client, forum, panel)
    change = services.set_availability(invitation=invitation, windows=[(_at(forum, 0, 14), _at(forum, 0, 18))])
    # The expert's word is saved, however it fits the schedule.
    assert change.windows == [(_at(forum, 0, 14), _at(forum, 0, 18))]
    assert Availability.objects.filter(forum=forum, speaker=invitation.speaker).count() == 1
    assert [session.panel for session in change.outside] == [panel]
    article = _grid_article(organizer_client, forum, panel)
    assert 'data-code="speaker_unavailable"' in article
    # The scheduling service's own words.
    assert f"Ana Novak is not available at {local_when(panel.start, panel.end, forum.tz)}." in article


def test_no_conflict_and_no_notice_while_the_windows_still_cover_the_panel(organizer_client, forum, placed):
    panel, invitation, _token = placed
    change = services.set_availability(
        invitation=invitation, windows=[(_at(forum, 0, 9), _at(forum, 0, 12)), (_at(forum, 1, 9), _at(forum, 1, 10))]
    )
    assert change.outside == []
    assert 'data-code="speaker_unavailable"' not in _grid_article(organizer_client, forum, panel)
    assert not OutboxMessage.objects.filter(kind=KIND).exists()


def test_panels_out_of_the_schedule_are_no_conflict(forum, placed):
    panel, invitation, _token = placed
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.DRAFT, start=None, end=None)
    assert (
        services.set_availability(invitation=invitation, windows=[(_at(forum, 0, 14), _at(forum, 0, 18))]).outside == []
    )
    assert not OutboxMessage.objects.filter(kind=KIND).exists()


def test_the_organizers_are_told_once_per_set_of_windows_in_the_language_of_the_decline_notice(forum, placed):
    panel, invitation, _token = placed
    afternoon = [(_at(forum, 0, 14), _at(forum, 0, 18))]
    services.set_availability(invitation=invitation, windows=afternoon)
    services.set_availability(invitation=invitation, windows=afternoon)
    [notice] = _notices()
    services.decline_invitation(invitation=invitation)
    declined = OutboxMessage.objects.get(kind="speaker_declined", recipient=DESK)
    assert notice.language == declined.language == "az"
    assert notice.context["panel_id"] == panel.pk
    assert notice.context["panel_when"] == local_when(panel.start, panel.end, forum.tz)
    deliver(message_id=notice.pk)
    email = mail.outbox[-1]
    assert email.to == [DESK]
    assert "Novak" in email.subject and "artıq" in email.subject
    assert local_when(panel.start, panel.end, forum.tz) in email.body and forum.timezone in email.body
    assert f"/organizer/forums/{forum.slug}/schedule/#panel-{panel.pk}" in email.body


def test_a_different_set_of_windows_that_still_misses_the_panel_tells_them_again(forum, placed):
    _panel, invitation, _token = placed
    services.set_availability(invitation=invitation, windows=[(_at(forum, 0, 14), _at(forum, 0, 18))])
    services.set_availability(invitation=invitation, windows=[(_at(forum, 1, 9), _at(forum, 1, 18))])
    assert len(_notices()) == 2


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "The organizers have placed you on “Threat intelligence sharing” at {when} ({tz}); this is outside "
               "the times you gave. They have been told."),
        ("ru", "Организаторы поставили вас на"),
    ],
)  # fmt: skip
def test_the_rsvp_page_warns_the_expert_naming_the_panel_and_its_time(client, forum, placed, language, words):
    panel, invitation, token = placed
    invitation.speaker.preferred_language = language
    invitation.speaker.save(update_fields=["preferred_language"])
    response = client.post(
        f"/rsvp/{token}/", {"action": "availability", "day0_0_from": "14:00", "day0_0_to": "18:00"}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert words.format(when=local_when(panel.start, panel.end, forum.tz), tz=forum.timezone) in html
    assert Availability.objects.filter(forum=forum, speaker=invitation.speaker).count() == 1
    assert len(_notices()) == 1


def test_the_rsvp_page_gives_no_warning_when_the_windows_cover_the_panel(client, forum, placed):
    _panel, _invitation, token = placed
    response = client.post(
        f"/rsvp/{token}/", {"action": "availability", "day0_0_from": "09:00", "day0_0_to": "12:00"}, follow=True
    )
    assert "They have been told" not in response.content.decode()
    assert _notices() == []


def test_an_availability_change_through_the_api_tells_the_organizers_the_same_way(forum, placed):
    panel, _invitation, token = placed
    start, end = _at(forum, 0, 14), _at(forum, 0, 18)
    body = {"windows": [{"start": start.isoformat(), "end": end.isoformat()}]}
    api = APIClient()
    assert api.put(f"/api/v1/rsvp/{token}/availability/", body, format="json").status_code == 200
    assert api.put(f"/api/v1/rsvp/{token}/availability/", body, format="json").status_code == 200
    [notice] = _notices()
    assert notice.context["panel_id"] == panel.pk and notice.language == "az"


def test_the_speakers_desk_marks_the_panel_outside_the_speakers_times(organizer_client, forum, placed):
    panel, invitation, _token = placed
    organizer_client.cookies["django_language"] = "en"
    url = reverse("speakers:organizer-invitation", args=[forum.slug, invitation.pk])
    assert "Placed outside these times" not in organizer_client.get(url).content.decode()
    services.set_availability(invitation=invitation, windows=[(_at(forum, 0, 14), _at(forum, 0, 18))])
    html = organizer_client.get(url).content.decode()
    block = html.split('id="outside-availability"', 1)[1].split("</div>", 1)[0]
    assert "Threat intelligence sharing" in block and local_when(panel.start, panel.end, forum.tz) in block
    assert f"/organizer/forums/{forum.slug}/schedule/#panel-{panel.pk}" in block


def test_the_organizer_digest_counts_the_panels_in_conflict(forum, placed):
    from organizer.services import send_organizer_digest

    _panel, invitation, _token = placed
    services.set_availability(invitation=invitation, windows=[(_at(forum, 0, 14), _at(forum, 0, 18))])
    [digest] = send_organizer_digest()
    assert digest.context["schedule_conflicts"] == 1
    OutboxMessage.objects.filter(pk=digest.pk).update(language="en")
    deliver(message_id=digest.pk)
    body = mail.outbox[-1].body
    assert "Panels with conflicts: 1" in body
    assert f"/organizer/forums/{forum.slug}/schedule/" in body
