import datetime
import hashlib
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from panels.models import Availability, Participation
from speakers import selectors, services
from speakers.errors import SpeakerError
from speakers.models import Invitation, InvitationToken
from tests.speakers.conftest import make_panel, sent_invitation

pytestmark = pytest.mark.django_db


def _normalised(response, token):
    """The page without what differs between any two renders (CSRF masks, the path echoed)."""
    html = response.content.decode().replace(token, "TOKEN")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# --- tokens ------------------------------------------------------------------------------------


def test_token_has_256_random_bits_and_only_its_hash_is_stored(forum):
    invitation, token = sent_invitation(forum)
    assert len(token) == 43  # token_urlsafe(32): 32 random bytes
    row = InvitationToken.objects.get(invitation=invitation)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = repr(list(InvitationToken.objects.values_list())) + repr(list(Invitation.objects.values_list()))
    assert token not in stored
    assert row.expires_at == forum.ends_at


def test_token_opens_the_invitation_and_can_be_reused_to_change_answers(client, forum):
    invitation, token = sent_invitation(forum)
    assert client.get(f"/rsvp/{token}/").status_code == 200
    client.post(f"/rsvp/{token}/", {"action": "respond", "attend": "yes"})
    client.post(f"/rsvp/{token}/", {"action": "respond", "attend": "no", "reason": "Clash with another event"})
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.DECLINED
    assert invitation.decline_reason == "Clash with another event"
    assert client.get(f"/rsvp/{token}/").status_code == 200


def test_wrong_tampered_expired_and_withdrawn_tokens_get_the_same_page(client, forum):
    _invitation, token = sent_invitation(forum)
    _other, expired_token = sent_invitation(forum)
    InvitationToken.objects.filter(invitation=_other).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    withdrawn, withdrawn_token = sent_invitation(forum)
    services.withdraw_invitation(invitation=withdrawn)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    candidates = [tampered, "x" * 43, expired_token, withdrawn_token, "short", "a" * 400]
    responses = [(client.get(f"/rsvp/{candidate}/"), candidate) for candidate in candidates]
    bodies = {_normalised(response, candidate) for response, candidate in responses}
    assert {response.status_code for response, _c in responses} == {404}
    assert len(bodies) == 1
    assert "does not open an invitation" in responses[0][0].content.decode() or responses[0][0].content
    # The real token still works.
    assert client.get(f"/rsvp/{token}/").status_code == 200


def test_every_failing_token_takes_the_same_database_path(forum, django_assert_num_queries):
    _invitation, token = sent_invitation(forum)
    other, expired = sent_invitation(forum)
    InvitationToken.objects.filter(invitation=other).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    for candidate in ("x" * 43, "", "short", expired, token[:-2] + "zz"):
        with django_assert_num_queries(1):
            assert selectors.invitation_for_token(token=candidate) is None


def test_token_stops_working_when_the_forum_ends(forum):
    _invitation, token = sent_invitation(forum)
    after = forum.ends_at + datetime.timedelta(minutes=1)
    assert selectors.invitation_for_token(token=token, now=forum.ends_at - datetime.timedelta(minutes=1))
    assert selectors.invitation_for_token(token=token, now=after) is None


def test_each_email_carries_its_own_link_and_older_links_keep_working(forum):
    invitation, first = sent_invitation(forum)
    services.remind_invitation(invitation=invitation)
    from tests.speakers.conftest import last_token

    second = last_token(invitation.speaker.email)
    assert second != first
    assert selectors.invitation_for_token(token=first).pk == invitation.pk
    assert selectors.invitation_for_token(token=second).pk == invitation.pk


def test_rsvp_is_rate_limited_per_ip(client, forum, settings):
    settings.RSVP_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert client.get("/rsvp/" + "y" * 43 + "/").status_code == 404
    response = client.get("/rsvp/" + "y" * 43 + "/")
    assert response.status_code == 429
    # Another address is not affected.
    assert client.get("/rsvp/" + "y" * 43 + "/", REMOTE_ADDR="10.1.2.3").status_code == 404


def test_rsvp_forms_require_the_csrf_token(forum):
    invitation, token = sent_invitation(forum)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/rsvp/{token}/", {"action": "respond", "attend": "yes"})
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.SENT


def test_rsvp_page_keeps_its_link_from_other_sites_without_breaking_its_own_forms(client, forum):
    # "no-referrer" would make browsers post the page's forms with "Origin: null", which the CSRF
    # check refuses (tests/e2e/test_rsvp.py drives that in Chromium); "same-origin" does not.
    _invitation, token = sent_invitation(forum)
    response = client.get(f"/rsvp/{token}/")
    assert response["Referrer-Policy"] == "same-origin"
    html = response.content.decode()
    assert '<meta name="referrer" content="same-origin">' in html
    assert "no-referrer" not in html


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "phrase"),
    [("en", "Your answer"), ("ru", "Ваш ответ"), ("tr", "Yanıtınız"), ("az", "Cavabınız")],
)
def test_page_speaks_the_expert_language_and_marks_the_invitation_viewed(client, forum, language, phrase):
    invitation, token = sent_invitation(forum, preferred_language=language)
    response = client.get(f"/rsvp/{token}/")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert phrase in html
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.VIEWED
    assert invitation.viewed_at is not None


def test_accepting_with_panel_answers_creates_participations(client, forum):
    keynote = make_panel(forum, title="Opening keynote", hour=10)
    workshop = make_panel(forum, title="Incident response drill", hour=14)
    invitation, token = sent_invitation(forum)
    services.offer_panel(invitation=invitation, panel=keynote, role=Participation.Role.KEYNOTE)
    services.offer_panel(invitation=invitation, panel=workshop, role=Participation.Role.PANELIST)
    page = client.get(f"/rsvp/{token}/").content.decode()
    assert "Opening keynote" in page and "Incident response drill" in page
    response = client.post(
        f"/rsvp/{token}/",
        {"action": "respond", "attend": "yes", f"panel_{keynote.pk}": "yes", f"panel_{workshop.pk}": "no"},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED
    participation = Participation.objects.get(speaker=invitation.speaker)
    assert participation.panel == keynote and participation.role == Participation.Role.KEYNOTE
    # Changing one's mind on a panel later moves the participation.
    client.post(
        f"/rsvp/{token}/",
        {"action": "respond", "attend": "yes", f"panel_{keynote.pk}": "no", f"panel_{workshop.pk}": "yes"},
    )
    assert list(Participation.objects.filter(speaker=invitation.speaker).values_list("panel", flat=True)) == [
        workshop.pk
    ]
    # Declining the forum frees every panel.
    client.post(f"/rsvp/{token}/", {"action": "respond", "attend": "no"})
    assert not Participation.objects.filter(speaker=invitation.speaker).exists()


def test_the_expert_downloads_their_own_sessions_as_a_calendar(client, forum):
    keynote = make_panel(forum, title="Opening keynote", hour=10)
    other = make_panel(forum, title="Somebody else's panel", hour=14)
    invitation, token = sent_invitation(forum)
    services.offer_panel(invitation=invitation, panel=keynote, role=Participation.Role.KEYNOTE)
    client.post(f"/rsvp/{token}/", {"action": "respond", "attend": "yes", f"panel_{keynote.pk}": "yes"})
    page = client.get(f"/rsvp/{token}/").content.decode()
    assert f"/rsvp/{token}/schedule.ics" in page
    assert f'href="/forums/{forum.slug}/panels/{keynote.pk}/"' in page
    response = client.get(f"/rsvp/{token}/schedule.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"].startswith("no-store") or "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert "Opening keynote" in body and other.title not in body
    assert "DTSTART;TZID=Asia/Baku:" in body


def test_the_calendar_link_of_a_wrong_token_gets_the_same_friendly_page(client, forum):
    sent_invitation(forum)
    response = client.get("/rsvp/not-a-real-token-at-all/schedule.ics")
    assert response.status_code == client.get("/rsvp/not-a-real-token-at-all/").status_code
    assert "text/calendar" not in response["Content-Type"]


def _accepted(client, forum, **speaker):
    invitation, token = sent_invitation(forum, **speaker)
    client.post(f"/rsvp/{token}/", {"action": "respond", "attend": "yes"})
    return invitation, token


def _travel(forum, **overrides):
    data = {
        "action": "travel",
        "arrival_date": forum.start_date - datetime.timedelta(days=1),
        "arrival_flight": "LH 2590",
        "departure_date": forum.end_date + datetime.timedelta(days=1),
        "departure_flight": "J2 024",
        "accommodation": "hotel",
        "needs_visa_letter": "on",
        "dietary_needs": "vegetarian",
        "accessibility_needs": "",
        "interpretation_language": "en",
        "av_needs": "HDMI",
    }
    data.update(overrides)
    return data


def test_travel_details_are_saved_and_the_passport_is_asked_only_in_the_letter_step(client, forum):
    invitation, token = _accepted(client, forum, country="DE")
    page = client.get(f"/rsvp/{token}/").content.decode()
    travel = re.search(r'<section id="travel".*?</section>', page, re.S).group(0)
    for name in ("passport_number", "passport_expiry", "nationality"):
        assert f'name="{name}"' not in travel
    # The travel step sends the speaker to the letter step for the passport, once.
    assert 'href="#letter"' in travel
    letter = re.search(r'<section id="letter".*?</section>', page, re.S).group(0)
    for name in ("visa-passport_number", "visa-passport_expires_on", "visa-nationality"):
        assert f'name="{name}"' in letter

    response = client.post(f"/rsvp/{token}/", _travel(forum))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.needs_visa_letter and invitation.accommodation == "hotel"
    assert invitation.passport_number == "" and not invitation.nationality


def test_passport_fields_posted_to_the_travel_step_change_nothing(client, forum):
    invitation, token = _accepted(client, forum, country="DE")
    response = client.post(
        f"/rsvp/{token}/", _travel(forum, passport_number="C01X00T47", nationality="DE", passport_expiry="2035-01-01")
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.passport_number == "" and not invitation.nationality and invitation.passport_expiry is None


def test_the_travel_service_sends_passport_details_to_the_letter_step(forum):
    invitation, _token = sent_invitation(forum)
    services.accept_invitation(invitation=invitation)
    with pytest.raises(SpeakerError) as refused:
        services.update_travel(invitation=invitation, passport_number="C01X00T47")
    assert refused.value.code == "passport_in_letter_step"
    assert set(refused.value.fields) == {"passport_number"}


def test_passport_details_stored_by_an_earlier_travel_form_start_the_letter_step(client, forum):
    invitation, token = _accepted(client, forum, country="DE")
    client.post(f"/rsvp/{token}/", _travel(forum))
    Invitation.objects.filter(pk=invitation.pk).update(
        nationality="DE", passport_number="c01x-00t47", passport_expiry=forum.end_date + datetime.timedelta(days=900)
    )
    page = client.get(f"/rsvp/{token}/").content.decode()
    letter = re.search(r'<section id="letter".*?</section>', page, re.S).group(0)
    assert 'value="C01X00T47"' in letter  # one shape of the number everywhere (core.passports)
    assert '<option value="DE" selected>' in letter


def test_departure_before_arrival_is_refused(client, forum):
    _invitation, token = _accepted(client, forum)
    response = client.post(
        f"/rsvp/{token}/",
        _travel(forum, needs_visa_letter="", departure_date=forum.start_date - datetime.timedelta(days=3)),
    )
    assert response.status_code == 400
    assert "Departure cannot be before arrival" in response.content.decode()


def test_travel_form_is_refused_before_accepting(forum):
    invitation, _token = sent_invitation(forum)
    with pytest.raises(SpeakerError):
        services.update_travel(invitation=invitation, dietary_needs="vegan")


def test_availability_windows_are_stored_in_forum_time(client, forum):
    invitation, token = sent_invitation(forum)
    response = client.post(
        f"/rsvp/{token}/",
        {"action": "availability", "day0_0_from": "09:00", "day0_0_to": "12:30", "day1_0_from": "", "day1_0_to": ""},
    )
    assert response.status_code == 302
    window = Availability.objects.get(speaker=invitation.speaker, forum=forum)
    assert window.start == forum.local_datetime(forum.start_date, datetime.time(9, 0))
    assert window.end == forum.local_datetime(forum.start_date, datetime.time(12, 30))
    response = client.post(f"/rsvp/{token}/", {"action": "availability", "day0_0_from": "09:00", "day0_0_to": ""})
    assert response.status_code == 400


def test_two_windows_in_one_day_are_saved_and_shown_again(client, forum):
    invitation, token = sent_invitation(forum)
    response = client.post(
        f"/rsvp/{token}/",
        {"action": "availability", "day0_0_from": "15:00", "day0_0_to": "18:00",
         "day0_1_from": "09:00", "day0_1_to": "12:00", "day1_2_from": "10:00", "day1_2_to": "11:00"},
    )  # fmt: skip
    assert response.status_code == 302
    day0, day1 = forum.days
    rows = Availability.objects.filter(speaker=invitation.speaker, forum=forum).order_by("start")
    stored = list(rows.values_list("start", "end"))
    assert stored == [
        (forum.local_datetime(day0, datetime.time(9)), forum.local_datetime(day0, datetime.time(12))),
        (forum.local_datetime(day0, datetime.time(15)), forum.local_datetime(day0, datetime.time(18))),
        (forum.local_datetime(day1, datetime.time(10)), forum.local_datetime(day1, datetime.time(11))),
    ]
    page = client.get(f"/rsvp/{token}/").content.decode()
    # Shown again in forum time, earliest window first, each day in its own table.
    assert re.search(r'name="day0_0_from" value="09:00"', page)
    assert re.search(r'name="day0_0_to" value="12:00"', page)
    assert re.search(r'name="day0_1_from" value="15:00"', page)
    assert re.search(r'name="day0_1_to" value="18:00"', page)
    assert re.search(r'name="day1_0_from" value="10:00"', page)
    assert re.search(r'name="day0_2_from"(?! value=)', page)
    assert page.count('<table class="availability">') == len(forum.days)


def test_overlapping_windows_are_refused_with_a_message_and_nothing_is_written(client, forum):
    invitation, token = sent_invitation(forum, preferred_language="en")
    services.set_availability(
        invitation=invitation,
        windows=[(forum.local_datetime(forum.start_date, datetime.time(8)),
                  forum.local_datetime(forum.start_date, datetime.time(9)))],
    )  # fmt: skip
    before = list(Availability.objects.filter(speaker=invitation.speaker).values_list("start", "end"))
    response = client.post(
        f"/rsvp/{token}/",
        {"action": "availability",
         "day0_0_from": "09:00", "day0_0_to": "12:00", "day0_1_from": "11:00", "day0_1_to": "13:00"},
    )  # fmt: skip
    assert response.status_code == 400
    form = response.context["availability_form"]
    assert form.errors["day0_1_from"] == ["This window overlaps 09:00–12:00 on the same day; join them into one."]
    assert "This window overlaps 09:00–12:00" in response.content.decode()
    assert list(Availability.objects.filter(speaker=invitation.speaker).values_list("start", "end")) == before


def _image(fmt="PNG", size=(2400, 1600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, fmt)
    buffer.seek(0)
    buffer.name = f"photo.{fmt.lower()}"
    return buffer


def test_profile_photo_is_checked_and_resized_and_consent_recorded(client, forum):
    invitation, token = sent_invitation(forum, publish_consent=False)
    response = client.post(
        f"/rsvp/{token}/",
        {"action": "profile", "bio": "Researcher of industrial control systems.", "position": "CTO",
         "photo": _image(), "publish_consent": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    speaker = invitation.speaker
    speaker.refresh_from_db()
    assert speaker.publish_consent and speaker.publish_consent_at
    with Image.open(speaker.photo.path) as photo:
        assert photo.format == "JPEG"
        assert max(photo.size) == services.PHOTO_MAX_SIDE
    assert speaker.bio_en == "Researcher of industrial control systems."


def test_a_file_that_is_not_an_image_is_refused(client, forum):
    invitation, token = sent_invitation(forum)
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "photo.jpg"
    response = client.post(f"/rsvp/{token}/", {"action": "profile", "photo": fake})
    assert response.status_code == 400
    assert "Upload a JPEG, PNG or WebP photo" in response.content.decode()
    invitation.speaker.refresh_from_db()
    assert not invitation.speaker.photo


def test_an_answer_after_the_deadline_is_refused_until_reopened(client, forum):
    invitation, token = sent_invitation(forum)
    Invitation.objects.filter(pk=invitation.pk).update(response_deadline=timezone.now() - datetime.timedelta(hours=1))
    response = client.post(f"/rsvp/{token}/", {"action": "respond", "attend": "yes"})
    assert response.status_code == 409
    assert "deadline to answer has passed" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.SENT
