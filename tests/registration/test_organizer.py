import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from registration import services
from registration.errors import RegistrationError
from registration.models import AccessToken, Registration
from registration.selectors import registration_counts
from tests.factories import ForumFactory, UserFactory, doors_open, register_attendee

pytestmark = pytest.mark.django_db


def _list_url(forum):
    return reverse("registration:organizer_list", kwargs={"slug": forum.slug})


def _export_url(forum):
    return reverse("registration:organizer_export", kwargs={"slug": forum.slug})


def _checkin_url(forum):
    return reverse("registration:organizer_checkin", kwargs={"slug": forum.slug})


def _confirmed(forum, **overrides):
    registration = register_attendee(forum, **overrides)
    services.confirm(token=registration.raw_token)
    registration.refresh_from_db()
    return registration


def test_organizer_pages_need_an_organizer(client):
    forum = ForumFactory()
    for url in (_list_url(forum), _export_url(forum), _checkin_url(forum)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("organizer:login") in response["Location"]
    staff = UserFactory(is_staff=True)  # staff, but not an organizer
    staff.save()
    client.force_login(staff)
    for url in (_list_url(forum), _export_url(forum), _checkin_url(forum)):
        assert client.get(url).status_code == 403


def test_list_searches_filters_and_counts(organizer_client):
    forum = ForumFactory(capacity=2)
    leyla = register_attendee(forum, first_name="Leyla", category="government", country="AZ")
    register_attendee(forum, first_name="Mehmet", category="private", country="TR")
    register_attendee(forum, first_name="Olga", category="media", country="RU")  # waitlisted
    organizer_client.cookies["django_language"] = "en"
    html = organizer_client.get(_list_url(forum)).content.decode()
    assert "Leyla" in html and "Mehmet" in html and "Olga" in html
    assert leyla.email in html  # organizers see contact details
    assert "Türkiye" in html or "Turkey" in html
    only_waitlisted = organizer_client.get(_list_url(forum), {"status": "waitlisted"}).content.decode()
    assert "Olga" in only_waitlisted and "Leyla" not in only_waitlisted
    search = organizer_client.get(_list_url(forum), {"q": "mehm"}).content.decode()
    assert "Mehmet" in search and "Olga" not in search
    by_code = organizer_client.get(_list_url(forum), {"q": leyla.badge_code_display}).content.decode()
    assert leyla.email in by_code and "Mehmet" not in by_code
    by_country = organizer_client.get(_list_url(forum), {"country": "tr"}).content.decode()
    assert "Mehmet" in by_country and "Leyla" not in by_country
    counts = registration_counts(forum=forum)
    assert counts["status"] == {"pending": 2, "waitlisted": 1}
    assert counts["category"] == {"government": 1, "private": 1, "media": 1}
    assert counts["country"] == {"AZ": 1, "TR": 1, "RU": 1}


def test_list_and_export_run_the_same_number_of_queries_at_two_sizes(
    organizer_client, django_assert_num_queries, organizer
):
    forum = ForumFactory(capacity=500)
    for _ in range(3):
        register_attendee(forum)
    organizer_client.get(_list_url(forum))  # warm the session and permission caches

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert organizer_client.get(url).status_code == 200
        return len(captured)

    small = {url: count(url) for url in (_list_url(forum), _export_url(forum))}
    for _ in range(40):
        register_attendee(forum, category="student")
    for url, queries in small.items():
        with django_assert_num_queries(queries):
            organizer_client.get(url)


def test_export_is_csv_with_every_registration_and_neutralised_formulas(organizer_client):
    forum = ForumFactory()
    register_attendee(forum, organization='=HYPERLINK("http://evil")', first_name="Aysel")
    register_attendee(forum, first_name="Гюнель")
    response = organizer_client.get(_export_url(forum))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert {row["first_name"] for row in rows} == {"Aysel", "Гюнель"}
    assert rows[0]["organization"].startswith("'=")
    assert rows[0]["status"] == "pending"
    filtered = organizer_client.get(_export_url(forum), {"q": "Aysel"}).content.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(filtered)))) == 1


def test_checkin_page_marks_once_then_says_when(organizer_client):
    forum = ForumFactory()
    registration = _confirmed(forum, first_name="Farid", last_name="Hasanov")
    doors_open(forum)
    organizer_client.cookies["django_language"] = "en"
    page = organizer_client.get(_checkin_url(forum))
    assert page.status_code == 200
    assert "BarcodeDetector" not in page.content.decode()  # the camera script is a static file
    assert 'name="code"' in page.content.decode()
    first = organizer_client.post(_checkin_url(forum), {"code": registration.badge_code_display.lower()})
    assert first.status_code == 200
    assert "Checked in" in first.content.decode() and "Farid Hasanov" in first.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    second = organizer_client.post(_checkin_url(forum), {"code": registration.badge_code})
    assert second.status_code == 409
    # The same forum-local time, with its zone, that the registrations list shows.
    local = registration.checked_in_at.astimezone(forum.tz)
    when = f"{local.day} {local:%B %Y, %H:%M} ({forum.timezone})"
    assert f"Farid Hasanov was already checked in at {when}" in second.content.decode()
    unknown = organizer_client.post(_checkin_url(forum), {"code": "AAAAA-BBBBB"})
    assert unknown.status_code == 404
    assert "No registration has this badge code." in unknown.content.decode()


def test_checkin_script_uses_barcode_detector_when_available(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("registration/checkin.js"), encoding="utf-8") as handle:
        script = handle.read()
    assert "BarcodeDetector" in script and "getUserMedia" in script


def test_anonymizing_needs_an_ended_edition():
    forum = ForumFactory()
    register_attendee(forum)
    with pytest.raises(RegistrationError) as caught:
        services.anonymize_registrations(forum=forum)
    assert caught.value.code == "not_ended"
    assert Registration.objects.get().first_name == "Aysel"


def test_anonymizing_erases_personal_data_and_keeps_the_counts():
    forum = ForumFactory(capacity=1)
    kept = _confirmed(forum, country="TR", category="media", phone="+90 555 000 00 00")
    register_attendee(forum, country="GE", category="student")  # waitlisted
    services.check_in(forum=forum, code=kept.badge_code, now=forum.starts_at)
    before = registration_counts(forum=forum)
    after_end = forum.ends_at + datetime.timedelta(days=1)
    assert services.anonymize_registrations(forum=forum, now=after_end) == 2
    assert registration_counts(forum=forum) == before
    for registration in Registration.objects.filter(forum=forum):
        assert registration.first_name == registration.last_name == registration.organization == ""
        assert registration.phone == "" and registration.position == ""
        assert registration.email.endswith("@invalid.invalid")
        assert registration.anonymized_at == after_end
    assert Registration.objects.get(pk=kept.pk).checked_in_at is not None
    assert not AccessToken.objects.filter(registration__forum=forum).exists()
    assert not OutboxMessage.objects.filter(recipient=kept.email).exists()
    assert all(message.context == {} for message in OutboxMessage.objects.all())
    # A second run finds nothing left to do.
    assert services.anonymize_registrations(forum=forum, now=after_end) == 0


def test_anonymize_command(capsys):
    past = timezone.localdate() - datetime.timedelta(days=10)
    forum = ForumFactory(
        start_date=past,
        end_date=past + datetime.timedelta(days=1),
        registration_opens_at=timezone.now() - datetime.timedelta(days=60),
        registration_closes_at=timezone.now() - datetime.timedelta(days=11),
    )
    Registration.objects.create(
        forum=forum,
        first_name="A",
        last_name="B",
        email="a@example.org",
        organization="O",
        position="P",
        country="AZ",
        category="other",
        status="confirmed",
        badge_code="ABCDEFGHJK",
    )
    call_command("anonymize_registrations", forum.slug)
    assert "Anonymized 1 registrations" in capsys.readouterr().out
    assert Registration.objects.get().first_name == ""
    with pytest.raises(CommandError):
        call_command("anonymize_registrations", "no-such-forum")
    with pytest.raises(CommandError, match="only after the edition has ended"):
        call_command("anonymize_registrations", ForumFactory().slug)


def test_periodic_tasks_are_registered_under_their_names_and_call_the_services():
    from celery import current_app

    from registration import tasks

    for name in (
        "registration.tasks.expire_holds",
        "registration.tasks.promote_waitlist",
        "registration.tasks.send_day_before_reminders",
    ):
        assert name in current_app.tasks
    forum = ForumFactory(capacity=1)
    holder = register_attendee(forum)
    waiting = register_attendee(forum)
    Registration.objects.filter(pk=holder.pk).update(hold_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    tasks.expire_holds.apply()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.PENDING
    forum.capacity = 5
    forum.save()
    register_attendee(forum)
    assert tasks.promote_waitlist.apply().successful()
    assert tasks.send_day_before_reminders.apply().successful()


def test_seed_demo_registrations_come_in_mixed_states():
    from django.core.management import call_command as run

    run("seed_demo", verbosity=0)
    from forum.models import Forum

    forum = Forum.objects.get(slug="ncf-2")
    counts = registration_counts(forum=forum)
    assert sum(counts["status"].values()) >= 200
    assert set(counts["status"]) == {"confirmed", "pending", "waitlisted", "cancelled"}
    assert len(counts["category"]) == 7
    assert len(counts["country"]) > 5
    # The demo is consistent with the rules: nobody waits while their category has room.
    assert services.promote_waitlist(forum=forum) == 0
