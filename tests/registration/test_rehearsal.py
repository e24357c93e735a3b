"""The check-in desk outside the forum's days: a real check-in is refused; in rehearsal mode (switched
on per edition by organizers, shown on the desk) scans are kept apart, never mark anyone present,
never reach the counts, reports or no-show rate; leaving the mode archives them."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation

from organizer import selectors as organizer_selectors
from registration import selectors, services
from registration.errors import RegistrationError
from registration.models import DeskRehearsal, Registration, RehearsalScan
from tests.factories import ForumFactory, OrganizerFactory, UserFactory, doors_open, register_attendee

pytestmark = pytest.mark.django_db


def _confirmed(forum, **overrides):
    registration = register_attendee(forum, **overrides)
    services.confirm(token=registration.raw_token)
    registration.refresh_from_db()
    return registration


def _desk(forum):
    return reverse("registration:organizer_checkin", kwargs={"slug": forum.slug})


def _switch(forum, action):
    return reverse("registration:organizer_rehearsal", kwargs={"slug": forum.slug, "action": action})


@pytest.fixture
def staff():
    client = Client()
    client.force_login(OrganizerFactory())
    client.cookies["django_language"] = "en"
    return client


def test_a_real_check_in_before_or_after_the_forum_days_is_refused():
    forum = ForumFactory()
    registration = _confirmed(forum)
    eve = forum.local_datetime(forum.start_date - datetime.timedelta(days=1), datetime.time(23, 30))
    morning_after = forum.local_datetime(forum.end_date + datetime.timedelta(days=1), datetime.time(0, 30))
    for moment in (eve, morning_after):
        with pytest.raises(RegistrationError) as refused:
            services.check_in(forum=forum, code=registration.badge_code, now=moment)
        assert refused.value.code == "outside_forum_days" and refused.value.status == 409
        days = {"first_day": forum.start_date.isoformat(), "last_day": forum.end_date.isoformat()}
        assert refused.value.extra == days
    # The forum's days are its own zone's: 00:30 in Baku on the first day is still 20:30 UTC the day before.
    first_minutes = forum.local_datetime(forum.start_date, datetime.time(0, 30))
    scan = services.check_in(forum=forum, code=registration.badge_code, now=first_minutes)
    assert scan.rehearsal is False and scan.registration.checked_in_at == first_minutes
    assert not RehearsalScan.objects.exists()


def test_rehearsal_scans_are_kept_apart_and_answer_as_the_desk_would():
    forum = ForumFactory()
    registration = _confirmed(forum)
    pending = register_attendee(forum)
    before = forum.starts_at - datetime.timedelta(days=3)
    rehearsal = services.start_rehearsal(forum=forum, now=before)
    assert services.start_rehearsal(forum=forum) == rehearsal  # once per edition

    scan = services.check_in(forum=forum, code=registration.badge_code_display.lower(), now=before)
    assert scan.rehearsal is True and scan.scanned_at == before
    registration.refresh_from_db()
    assert registration.checked_in_at is None and registration.checked_in_by is None
    assert list(RehearsalScan.objects.values_list("registration_id", flat=True)) == [registration.pk]

    with pytest.raises(RegistrationError) as again:
        services.check_in(forum=forum, code=registration.badge_code, now=before + datetime.timedelta(minutes=1))
    assert again.value.code == "already_scanned_in_rehearsal" and again.value.extra["rehearsal"] is True
    with pytest.raises(RegistrationError) as unconfirmed:
        services.check_in(forum=forum, code=pending.badge_code, now=before)
    assert unconfirmed.value.code == "not_confirmed"
    with pytest.raises(RegistrationError) as unknown:
        services.check_in(forum=forum, code="ZZZZZZZZZZ", now=before)
    assert unknown.value.status == 404

    # On a forum day too, a rehearsing desk marks nobody present.
    other = _confirmed(forum)
    assert services.check_in(forum=forum, code=other.badge_code, now=forum.starts_at).rehearsal is True
    other.refresh_from_db()
    assert other.checked_in_at is None
    # Another edition's desk is not rehearsing.
    elsewhere = ForumFactory()
    with pytest.raises(RegistrationError) as refused:
        services.check_in(forum=elsewhere, code=_confirmed(elsewhere).badge_code, now=before)
    assert refused.value.code == "outside_forum_days"


def test_leaving_rehearsal_archives_its_scans_and_the_desk_refuses_again():
    forum = ForumFactory()
    registration = _confirmed(forum)
    before = forum.starts_at - datetime.timedelta(days=2)
    services.start_rehearsal(forum=forum, now=before)
    services.check_in(forum=forum, code=registration.badge_code, now=before)
    assert selectors.desk_state(forum=forum, now=before)["rehearsal_scans"] == 1

    ended = services.end_rehearsal(forum=forum, now=before + datetime.timedelta(hours=1))
    assert ended.ended_at and ended.scans.count() == 1  # archived, not counted
    assert services.end_rehearsal(forum=forum) is None  # twice: harmless
    state = selectors.desk_state(forum=forum, now=before)
    assert state["rehearsal"] is None and state["rehearsal_scans"] == 0 and state["recent_scans"] == []
    with pytest.raises(RegistrationError) as refused:
        services.check_in(forum=forum, code=registration.badge_code, now=before)
    assert refused.value.code == "outside_forum_days"

    # A new rehearsal starts clean: the same badge scans again, the old scans stay archived.
    services.start_rehearsal(forum=forum, now=before + datetime.timedelta(days=1))
    services.check_in(forum=forum, code=registration.badge_code, now=before + datetime.timedelta(days=1))
    assert DeskRehearsal.objects.filter(forum=forum).count() == 2 and RehearsalScan.objects.count() == 2
    assert selectors.desk_state(forum=forum)["rehearsal_scans"] == 1
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_rehearsal_scans_never_reach_counts_reports_or_exports(staff):
    forum = ForumFactory(capacity=10)
    came = _confirmed(forum, first_name="Came", email="came@example.org")
    rehearsed = [_confirmed(forum, email=f"rehearsed{n}@example.org") for n in range(3)]
    services.check_in(forum=forum, code=came.badge_code, now=forum.starts_at)
    services.start_rehearsal(forum=forum, now=forum.starts_at)
    for registration in [*rehearsed, came]:
        services.check_in(forum=forum, code=registration.badge_code, now=forum.starts_at)
    assert RehearsalScan.objects.count() == 4

    assert selectors.checkin_counts(forum=forum) == {"confirmed": 4, "present": 1}
    assert selectors.registration_overview(forum=forum)["checked_in"] == 1
    after = forum.ends_at + datetime.timedelta(hours=1)
    with translation.override("en"):
        charts = organizer_selectors.reports(forum=forum, now=after)
    [rates] = [chart for chart in charts if chart["key"] == "confirmation"]
    assert dict(rates["rows"]) == {"Registered": 4, "Confirmed": 4, "Came": 1, "Did not come": 3}
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1

    present = selectors.organizer_registrations(forum=forum, search="", status="", category="", country="",
                                                checked_in="yes")  # fmt: skip
    assert [r.pk for r in present] == [came.pk]
    exported = staff.get(reverse("registration:organizer_export", args=[forum.slug])).content.decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(exported))
    assert [row["email"] for row in rows if row["checked_in_at"]] == ["came@example.org"]


def test_the_desk_page_refuses_outside_the_days_and_offers_rehearsal(staff):
    forum = ForumFactory()
    registration = _confirmed(forum)
    page = staff.get(_desk(forum)).content.decode()
    assert 'data-desk-mode="live"' in page and "Today is not a forum day" in page
    assert _switch(forum, "start") in page
    refused = staff.post(_desk(forum), {"code": registration.badge_code})
    assert refused.status_code == 409
    assert "Check-in is open only on the forum" in refused.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_switching_the_desk_is_confirmed_first_and_shown_on_the_desk(staff):
    forum = ForumFactory()
    registration = _confirmed(forum, first_name="Rena", last_name="Quliyeva")

    asked = staff.post(_switch(forum, "start"))
    assert asked.status_code == 200 and "Switch the desk to rehearsal mode" in asked.content.decode()
    assert not DeskRehearsal.objects.exists()  # nothing changed yet
    assert staff.post(_switch(forum, "start"), {"confirmed": "yes"}).status_code == 302

    desk = staff.get(_desk(forum)).content.decode()
    assert 'data-desk-mode="rehearsal"' in desk and "<title>Rehearsal" in desk
    assert "Scans at this desk are practice" in desk
    scanned = staff.post(_desk(forum), {"code": registration.badge_code}).content.decode()
    assert "Rehearsal scan (not attendance): Rena Quliyeva" in scanned
    assert "1 rehearsal scan." in scanned and "Rena Quliyeva</li>" in scanned
    registration.refresh_from_db()
    assert registration.checked_in_at is None

    leaving = staff.post(_switch(forum, "end")).content.decode()
    assert "rehearsal&#x27;s 1 scan is archived" in leaving
    assert DeskRehearsal.objects.get().ended_at is None
    staff.post(_switch(forum, "end"), {"confirmed": "yes"})
    assert DeskRehearsal.objects.get().ended_at is not None
    assert 'data-desk-mode="live"' in staff.get(_desk(forum)).content.decode()
    assert staff.post(_switch(forum, "sideways"), {"confirmed": "yes"}).status_code == 404


def test_on_a_forum_day_the_switch_warns_that_nobody_is_checked_in_for_real(staff):
    forum = doors_open(ForumFactory())
    asked = staff.post(_switch(forum, "start")).content.decode()
    assert "Today is a forum day" in asked
    staff.post(_switch(forum, "start"), {"confirmed": "yes"})
    assert "real check-ins are not being recorded" in staff.get(_desk(forum)).content.decode()


def test_only_organizers_who_may_check_in_switch_the_desk(client):
    forum = ForumFactory()
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(viewer)
    assert client.post(_switch(forum, "start"), {"confirmed": "yes"}).status_code == 403
    assert not DeskRehearsal.objects.exists()


def test_a_manual_check_in_while_rehearsing_is_practice(staff):
    forum = doors_open(ForumFactory())
    registration = _confirmed(forum)
    services.start_rehearsal(forum=forum)
    url = reverse("registration:organizer_action", args=[forum.slug, registration.pk, "checkin"])
    page = staff.post(url, follow=True).content.decode()
    assert "does not count as attendance" in page
    registration.refresh_from_db()
    assert registration.checked_in_at is None and RehearsalScan.objects.filter(registration=registration).exists()


def test_the_api_refuses_outside_the_days_and_says_when_a_scan_is_a_rehearsal(client, organizer):
    forum = ForumFactory()
    registration = _confirmed(forum)
    client.force_login(organizer)
    payload = {"forum": forum.slug, "code": registration.badge_code}
    refused = client.post("/api/v1/checkins/", payload, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "outside_forum_days"
    assert refused.json()["first_day"] == forum.start_date.isoformat()

    services.start_rehearsal(forum=forum)
    scanned = client.post("/api/v1/checkins/", payload, content_type="application/json")
    assert scanned.status_code == 200
    body = scanned.json()
    assert body["rehearsal"] is True and body["checked_in_at"] is None and body["scanned_at"]
    again = client.post("/api/v1/checkins/", payload, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_scanned_in_rehearsal"

    services.end_rehearsal(forum=forum)
    doors_open(forum)
    real = client.post("/api/v1/checkins/", payload, content_type="application/json").json()
    assert real["rehearsal"] is False and real["checked_in_at"] == real["scanned_at"]
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_the_rehearsing_desk_keeps_its_query_count_as_scans_grow(staff, django_assert_num_queries):
    forum = ForumFactory(capacity=40)
    people = [_confirmed(forum, email=f"p{n}@example.org") for n in range(14)]
    services.start_rehearsal(forum=forum)
    counts = []
    for batch in (people[:1], people[1:]):
        for person in batch:
            services.check_in(forum=forum, code=person.badge_code)
        with django_assert_num_queries(9) as captured:
            assert staff.get(_desk(forum)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
