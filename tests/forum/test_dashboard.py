"""The organizers' overview of an edition: who may open it, the figures it shows, the queries it
runs at any size, and copying the edition to next year from it."""

import datetime
import itertools
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from core.permissions import ORGANIZERS_GROUP
from forum.models import Forum
from notifications.models import OutboxMessage
from panels.models import Panel, Participation
from registration import services as registration_services
from registration.models import CategoryQuota, Registration
from speakers.models import Invitation
from tests.factories import (
    ForumFactory,
    InvitationFactory,
    OrganizerFactory,
    RoomFactory,
    SpeakerFactory,
    UserFactory,
    register_attendee,
)

pytestmark = pytest.mark.django_db

# Session and user, the user's and the group's permissions, the Organizers group (navigation), the
# edition; registrations 5 (by status, by category, seats taken, check-in, quotas); panels 4 (by
# status; for the conflicts the panels, their speakers and the speakers' availability); the last
# day 5 (the edition's registrations and invitation answers, failures new and in all, retrying);
# invitations 3 (funnel, travel, visa letters); outbox 1 (per state); the charts 7 (registrations per day, by
# category, by country, totals, room fill, invitations by state, outbox by state).
DASHBOARD_QUERIES = 31
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _default_language():
    """The pages are read in English; the language a request activated must not outlive the test."""
    yield
    translation.deactivate()


def _url(forum):
    return reverse("organizer:dashboard", kwargs={"slug": forum.slug})


def _copy_url(forum):
    return reverse("organizer:copy", kwargs={"slug": forum.slug})


def _login(client, user):
    user.save()  # the factory sets the password without saving it
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _count(html, key):
    match = re.search(rf'data-count="{re.escape(key)}">([^<]*)<', html)
    assert match, f"no figure {key!r} on the page"
    return match.group(1).strip()


# --- access --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, forum):
    response = client.get(_url(forum))
    assert response.status_code == 302 and "login" in response["Location"]


def test_accounts_that_are_not_organizers_are_refused(client, forum):
    _login(client, UserFactory())
    assert client.get(_url(forum)).status_code == 403
    _login(client, UserFactory(is_staff=True))  # staff outside the Organizers group
    assert client.get(_url(forum)).status_code == 403
    member = UserFactory(is_staff=False)
    member.save()
    member.groups.add(Group.objects.get(name=ORGANIZERS_GROUP))
    _login(client, member)  # in the group, but not staff
    assert client.get(_url(forum)).status_code == 403


def test_organizers_open_it_from_the_organizers_menu_for_drafts_too(client, organizer):
    draft = ForumFactory(status=Forum.Status.DRAFT)
    _login(client, organizer)
    response = client.get(_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{_url(draft)}" aria-current="page"' in html
    menu = client.get(reverse("panels:organizer-schedule", args=[draft.slug])).content.decode()
    links = menu.split('class="main-nav">', 1)[1]
    assert links.strip().startswith(f'<a href="{_url(draft)}"')  # the first link of the console's menu


def test_an_unknown_edition_is_404(client, organizer):
    _login(client, organizer)
    assert client.get(reverse("organizer:dashboard", kwargs={"slug": "no-such"})).status_code == 404


def test_the_page_speaks_the_organizers_language(client, organizer, forum):
    _login(client, organizer)
    client.cookies["django_language"] = "az"
    html = client.get(_url(forum)).content.decode()
    assert "Ümumi baxış" in html and "Overview" not in html


# --- the figures ---------------------------------------------------------------------------------


def _confirmed(forum, **overrides):
    registration = register_attendee(forum, **overrides)
    registration_services.confirm(token=registration.raw_token)
    registration.refresh_from_db()
    return registration


def _panel(forum, room, *, hour, status=Panel.Status.SCHEDULED, speakers=()):
    start = forum.local_datetime(forum.start_date, datetime.time(hour))
    panel = Panel.objects.create(
        forum=forum, title=f"Panel {next(_numbers)}", room=room, start=start, end=start + datetime.timedelta(hours=1),
        status=status,
    )  # fmt: skip
    for speaker in speakers:
        Participation.objects.create(panel=panel, speaker=speaker)
    return panel


def _letter(invitation, reference, **fields):
    """A visa letter as the visas app keeps one (the dashboard counts the valid ones)."""
    from visas.models import VisaLetter

    day = invitation.forum.start_date
    return VisaLetter.objects.create(
        invitation=invitation, reference=reference, code=reference[-10:].rjust(10, "X"), fingerprint="x",
        issued_at=datetime.datetime.now(datetime.UTC), signatory_name="Director", applicant_initials="A.B.",
        passport_tail="123", arrival_date=day, departure_date=day, consulate_country="DE", **fields,
    )  # fmt: skip


def _invitation(forum, state=Invitation.State.DRAFT, *, country="AZ", **fields):
    invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory(country=country))
    Invitation.objects.filter(pk=invitation.pk).update(state=state, **fields)
    return invitation


def _outbox(state):
    number = next(_numbers)
    return OutboxMessage.objects.create(
        kind="test", recipient=f"r{number}@example.org", dedupe_key=f"dashboard:{number}", state=state
    )


@pytest.fixture
def edition():
    """3 confirmed (one checked in, one a journalist), 1 holding a seat, 1 waitlisted, 1 cancelled;
    2 panels in conflict, 1 draft, 1 published; invitations in several states; 1 failed message."""
    forum = ForumFactory(capacity=4)
    CategoryQuota.objects.create(forum=forum, category="media", seats=2)
    first = _confirmed(forum)
    _confirmed(forum, category="media")
    _confirmed(forum)
    leaving = register_attendee(forum)
    registration_services.cancel(token=leaving.raw_token)
    register_attendee(forum)  # the last seat, held until confirmed
    waiting = register_attendee(forum)
    assert waiting.status == Registration.Status.WAITLISTED
    registration_services.check_in(forum=forum, code=first.badge_code, now=forum.starts_at)

    hall, side = RoomFactory(forum=forum), RoomFactory(forum=forum)
    busy = SpeakerFactory()
    _panel(forum, hall, hour=10, speakers=[busy])  # the same speaker in two rooms at once
    _panel(forum, side, hour=10, speakers=[busy])
    _panel(forum, hall, hour=12, status=Panel.Status.PUBLISHED, speakers=[SpeakerFactory()])
    Panel.objects.create(forum=forum, title="Not placed yet")

    S = Invitation.State
    now = datetime.datetime.now(datetime.UTC)
    accepted = _invitation(
        forum, S.ACCEPTED, country="DE", sent_at=now, viewed_at=now, needs_visa_letter=True, accommodation="hotel"
    )
    _letter(accepted, "NCF-2099-0001")
    _letter(accepted, "NCF-2099-0002", revoked_at=now, revoked_reason="Reissued by hand")  # not counted
    _invitation(forum, S.ACCEPTED, country="FR", sent_at=now, needs_visa_letter=True)
    _invitation(forum, S.DECLINED, sent_at=now, viewed_at=now)
    _invitation(forum, S.SENT, sent_at=now)
    _invitation(forum, S.DRAFT)

    OutboxMessage.objects.all().delete()  # the registrations' and invitations' own mail
    _outbox(OutboxMessage.State.FAILED)
    _outbox(OutboxMessage.State.SENT)
    _outbox(OutboxMessage.State.SENT)
    return forum


def test_the_page_shows_the_editions_figures(client, organizer, edition):
    _login(client, organizer)
    html = client.get(_url(edition)).content.decode()
    registrations = {
        "confirmed": "3", "held": "1", "waitlisted": "1", "cancelled": "1", "checked-in": "1", "seats-left": "0",
        "category-academia": "5", "category-media": "1", "quota-media": "1 / 2",
    }  # fmt: skip
    program = {
        "panels-draft": "1", "panels-scheduled": "2", "panels-published": "1", "panels-cancelled": "0",
        "unscheduled": "1", "conflicts": "2",
    }  # fmt: skip
    speakers = {
        "funnel-sent": "4", "funnel-viewed": "2", "funnel-accepted": "2", "funnel-declined": "1",
        "funnel-expired": "0", "funnel-no_answer": "1",
        "foreign": "2", "visa-needed": "2", "visa-letters": "1", "hotel": "1",
    }  # fmt: skip
    outbox = {"outbox-failed": "1", "outbox-sent": "2", "outbox-queued": "0", "day-failed": "1"}
    outbox["day-registrations"] = "6"  # the edition's, all made today
    for key, value in {**registrations, **program, **speakers, **outbox}.items():
        assert _count(html, key) == value, key
    assert 'data-fact="window-open"' in html and 'data-fact="capacity">4 seats' in html


def test_the_figures_link_to_the_pages_that_list_them(client, organizer, edition):
    _login(client, organizer)
    html = client.get(_url(edition)).content.decode()
    grid = reverse("panels:organizer-schedule", args=[edition.slug])
    desk = reverse("speakers:organizer", args=[edition.slug])
    registrations = reverse("registration:organizer_list", args=[edition.slug])
    outbox = reverse("notifications:outbox")
    for link in (
        f"{registrations}?status=waitlisted", f"{registrations}?checked_in=yes", f"{grid}#unscheduled-title",
        f"{desk}?state=accepted", f"{desk}?foreign=1", f"{desk}?needs_visa=1", f"{desk}?needs_hotel=1",
        f"{outbox}?state=failed",
        reverse("registration:organizer_export", args=[edition.slug]),
        reverse("speakers:organizer-travel-csv", args=[edition.slug]),
        reverse("panels:program-csv", args=[edition.slug]),
        reverse("panels:organizer-publish-all", args=[edition.slug]),
        reverse("organizer:edition-edit", args=[edition.slug]),
        reverse("organizer:copy", args=[edition.slug]),
    ):  # fmt: skip
        assert f'href="{link}"' in html or f'action="{link}"' in html, link
    failed = html.split(f'href="{outbox}?state=failed"', 1)[0].rsplit("<tr", 1)[1]
    assert 'class="alert"' in failed  # failed messages stand out
    conflicts = html.split('data-count="conflicts"', 1)[0].rsplit("<tr", 1)[1]
    assert 'class="alert"' in conflicts and f'href="{grid}"' in conflicts


def test_registration_window_that_opens_later_shows_its_date(client, organizer):
    opens = datetime.datetime(2099, 3, 2, 6, 0, tzinfo=datetime.UTC)  # 10:00 in Baku
    forum = ForumFactory(
        start_date=datetime.date(2099, 5, 4), end_date=datetime.date(2099, 5, 5), registration_opens_at=opens,
        registration_closes_at=opens + datetime.timedelta(days=30),
    )  # fmt: skip
    _login(client, organizer)
    html = client.get(_url(forum)).content.decode()
    assert 'data-fact="window-upcoming">Opens on 2 March 2099, 10:00' in html


# --- queries -------------------------------------------------------------------------------------


def _grow(forum, *, registrations, panels, invitations, messages):
    """Registrations in every status, panels (half placed, with a speaker each) and invitations in
    every state with travel needs, and outbox messages."""
    statuses = list(Registration.Status.values)
    now = datetime.datetime.now(datetime.UTC)
    rows = []
    for index in range(registrations):
        number = next(_numbers)
        status = statuses[index % len(statuses)]
        rows.append(
            Registration(
                forum=forum, first_name="A", last_name=f"B{number}", email=f"grow{number}@example.org",
                organization="O", position="P", country="AZ", category=["academia", "media"][index % 2],
                status=status, badge_code=f"G{number:09d}",
                hold_expires_at=now + datetime.timedelta(hours=1) if status == "pending" else None,
                waitlisted_at=now if status == "waitlisted" else None,
                checked_in_at=now if status == "confirmed" and index % 3 == 0 else None,
            )
        )  # fmt: skip
    Registration.objects.bulk_create(rows)
    rooms = [RoomFactory(forum=forum) for _ in range(2)]
    for index in range(panels):
        if index % 2:
            Panel.objects.create(forum=forum, title=f"Draft {next(_numbers)}")
        else:
            hour = 9 + (index // 2) // len(rooms) % 8
            _panel(forum, rooms[(index // 2) % len(rooms)], hour=hour, speakers=[SpeakerFactory()])
    states = list(Invitation.State.values)
    for index in range(invitations):
        state = states[index % len(states)]
        invitation = _invitation(
            forum, state, country=["AZ", "DE"][index % 2], sent_at=None if state == "draft" else now,
            needs_visa_letter=bool(index % 2), accommodation=["hotel", "none"][index % 2],
        )  # fmt: skip
        if index % 4 == 1:
            number = next(_numbers)
            _letter(invitation, f"NCF-G-{number}")
    for index in range(messages):
        _outbox(list(OutboxMessage.State.values)[index % len(OutboxMessage.State.values)])


def test_the_page_runs_the_same_queries_with_little_and_much_data(client, django_assert_num_queries):
    small, large = ForumFactory(capacity=1000), ForumFactory(capacity=1000)
    _grow(small, registrations=5, panels=3, invitations=2, messages=2)
    _grow(large, registrations=50, panels=30, invitations=20, messages=20)
    organizer = OrganizerFactory()
    _login(client, organizer)
    for forum in (small, large):
        with django_assert_num_queries(DASHBOARD_QUERIES):
            assert client.get(_url(forum)).status_code == 200


# --- copying to next year ------------------------------------------------------------------------


def test_copy_asks_first_and_creates_next_years_edition_with_the_name_given(client, organizer, forum):
    RoomFactory(forum=forum, name="Main Hall")
    _login(client, organizer)
    page = client.get(_copy_url(forum))
    assert page.status_code == 200 and Forum.objects.count() == 1
    start = forum.start_date + datetime.timedelta(weeks=52)
    data = {"name_az": "Növbəti forum", "start_date": start.isoformat(), "end_date": start.isoformat(),
            "slug": "next-edition", "edition": str(forum.edition + 1)}  # fmt: skip
    response = client.post(_copy_url(forum), data)
    copy = Forum.objects.get(edition=forum.edition + 1)
    assert response.status_code == 302
    assert response["Location"] == reverse("organizer:dashboard", args=[copy.slug])
    assert (copy.name_az, copy.slug, copy.start_date) == ("Növbəti forum", "next-edition", start)
    assert copy.status == Forum.Status.DRAFT
    assert list(copy.rooms.values_list("name", flat=True)) == ["Main Hall"]


def test_a_second_copy_to_the_same_address_is_explained_on_the_form(client, organizer, forum):
    _login(client, organizer)
    start = forum.start_date + datetime.timedelta(weeks=52)
    data = {"name_az": "Növbəti forum", "start_date": start.isoformat(), "end_date": start.isoformat(),
            "slug": "next-edition", "edition": str(forum.edition + 1)}  # fmt: skip
    client.post(_copy_url(forum), data)
    response = client.post(_copy_url(forum), data)
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Forum.objects.count() == 2


def test_copy_needs_an_organizer_and_a_csrf_token(client, forum):
    _login(client, UserFactory(is_staff=True))
    assert client.post(_copy_url(forum)).status_code == 403
    from django.test import Client

    guarded = _login(Client(enforce_csrf_checks=True), OrganizerFactory())
    assert guarded.post(_copy_url(forum)).status_code == 403
    assert Forum.objects.count() == 1
