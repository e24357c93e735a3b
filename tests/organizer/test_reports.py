"""Reports drawn on the server: SVG charts with their data tables and CSV, no script, the same
queries however many registrations."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from registration import services as registration_services
from speakers.models import Invitation
from tests.factories import (
    ForumFactory,
    InvitationFactory,
    OrganizerFactory,
    PanelFactory,
    RoomFactory,
    register_attendee,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    client = Client()
    client.force_login(OrganizerFactory())
    client.cookies["django_language"] = "en"
    return client


def _grow(forum, n):
    room = RoomFactory(forum=forum)
    panel = PanelFactory(forum=forum, room=room)
    for number in range(n):
        registration = register_attendee(forum, email=f"{forum.slug}-{number}@example.org", country="TR")
        registration_services.confirm(token=registration.raw_token)
        registration.panels.add(panel)
        start = datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC) + datetime.timedelta(days=number)
        _invitation(forum, "accepted", sent=start, viewed=start, accepted=start + datetime.timedelta(days=1))


def _invitation(forum, state, **moments):
    invitation = InvitationFactory(forum=forum)
    Invitation.objects.filter(pk=invitation.pk).update(state=state, **{f"{k}_at": v for k, v in moments.items()})
    return invitation


def test_charts_are_svg_with_a_data_table_and_a_capacity_line(staff):
    forum = ForumFactory(capacity=10)
    _grow(forum, 3)
    html = staff.get(reverse("organizer:reports", args=[forum.slug])).content.decode()
    assert html.count("<svg") >= 6 and "<script" not in html.split("<main", 1)[1]
    assert 'role="img"' in html and "capacity 10" in html
    assert '<th scope="row">Türkiye</th><td>3</td>' in html


def test_each_chart_downloads_as_csv(staff):
    forum = ForumFactory()
    _grow(forum, 2)
    response = staff.get(reverse("organizer:reports", args=[forum.slug]) + "?csv=by-country")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == ["Item,Value", "Türkiye,2"]
    assert staff.get(reverse("organizer:reports", args=[forum.slug]) + "?csv=nope").status_code == 404


def test_the_reports_keep_their_query_count_as_data_grows(staff, django_assert_num_queries):
    small, large = ForumFactory(), ForumFactory()
    _grow(small, 1)
    _grow(large, 6)
    for forum in (small, large):
        with django_assert_num_queries(14):
            assert staff.get(reverse("organizer:reports", args=[forum.slug])).status_code == 200


def test_the_invitation_funnel_over_time_has_lines_a_daily_table_and_a_csv(staff):
    forum = ForumFactory()
    utc = datetime.UTC
    may1, may2 = datetime.datetime(2026, 5, 1, 9, tzinfo=utc), datetime.datetime(2026, 5, 2, 9, tzinfo=utc)
    late_may3 = datetime.datetime(2026, 5, 3, 21, 30, tzinfo=utc)  # 4 May, 01:30 in Baku
    _invitation(forum, "accepted", sent=may1, viewed=may1, accepted=may2)
    _invitation(forum, "declined", sent=may1, viewed=may2, declined=late_may3)
    # Accepted first, then declined: it stands on its decline, counted once, on that day.
    _invitation(forum, "declined", sent=may1, viewed=may1, accepted=may1, declined=may2)
    _invitation(forum, "sent", sent=may2)
    _invitation(forum, "withdrawn", sent=may1, viewed=may1, withdrawn=may2)  # counts nowhere
    _invitation(forum, "draft")

    url = reverse("organizer:reports", args=[forum.slug])
    html = staff.get(url).content.decode()
    figure = html.split('id="invitation-funnel"', 1)[1].split("</figure>", 1)[0]
    assert "Invitation funnel over time" in figure and 'role="img"' in figure
    assert figure.count("<polyline") == 4 and 'stroke-dasharray="2 3"' in figure
    assert "Sent: 4" in figure and "Viewed: 3" in figure and "Accepted: 1" in figure and "Declined: 2" in figure
    assert '<th scope="row">1 May 2026</th><td>3</td><td>2</td><td>0</td><td>0</td>' in figure
    assert '<th scope="row">4 May 2026</th><td>0</td><td>0</td><td>0</td><td>1</td>' in figure
    assert '<th scope="row">3 May 2026</th>' not in figure  # a quiet day has no row (its line stays flat)
    assert '<tfoot><tr><th scope="row">Total</th><td>4</td><td>3</td><td>1</td><td>2</td>' in figure

    csv_lines = staff.get(url + "?csv=invitation-funnel").content.decode().splitlines()
    assert csv_lines == [
        "Day,Sent,Viewed,Accepted,Declined,Sent so far,Viewed so far,Accepted so far,Declined so far",
        "2026-05-01,3,2,0,0,3,2,0,0",
        "2026-05-02,1,1,1,1,4,3,1,1",
        "2026-05-04,0,0,0,1,4,3,1,2",
    ]


def test_the_funnel_says_so_when_no_invitation_went_out(staff):
    forum = ForumFactory()
    _invitation(forum, "draft")
    url = reverse("organizer:reports", args=[forum.slug])
    figure = staff.get(url).content.decode().split('id="invitation-funnel"', 1)[1].split("</figure>", 1)[0]
    assert "No data yet." in figure and "<svg" not in figure
    assert staff.get(url + "?csv=invitation-funnel").content.decode().splitlines()[1:] == []
