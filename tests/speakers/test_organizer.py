import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import OutboxMessage
from panels.models import Participation
from speakers import services
from speakers.models import Invitation
from tests.factories import InvitationFactory, SpeakerFactory, applicant_input, inviting_organization
from tests.speakers.conftest import invitation_in_state, make_panel, sent_invitation
from visas import services as visa_services

pytestmark = pytest.mark.django_db
S = Invitation.State


def _url(forum, suffix=""):
    return f"/organizer/forums/{forum.slug}/speakers/{suffix}"


def test_desk_is_for_organizers_only(forum):
    assert Client().get(_url(forum)).status_code == 302
    from tests.factories import UserFactory

    user = UserFactory()
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get(_url(forum)).status_code == 403
    assert client.get(_url(forum, "travel.csv")).status_code == 403


def test_funnel_counts_every_stage(organizer_client, forum):
    for state, count in ((S.DRAFT, 1), (S.SENT, 2), (S.VIEWED, 1), (S.ACCEPTED, 3), (S.DECLINED, 1), (S.EXPIRED, 2)):
        for _ in range(count):
            invitation_in_state(state, forum)
    funnel = organizer_client.get(_url(forum)).context["funnel"]
    assert funnel["draft"] == 1
    assert funnel["sent"] == 9  # everything that went out
    assert funnel["accepted"] == 3 and funnel["declined"] == 1 and funnel["expired"] == 2
    assert funnel["no_answer"] == 3  # sent or viewed, unanswered
    html = organizer_client.get(_url(forum)).content.decode()
    assert 'data-count="no_answer">3<' in html


def test_filters_foreign_visa_hotel_and_theme(organizer_client, forum):
    local, _t = sent_invitation(forum, country="AZ", last_name="Localova")
    foreign, _t = sent_invitation(forum, country="FR", last_name="Etrangere")
    services.accept_invitation(invitation=foreign)
    services.update_travel(invitation=foreign, needs_visa_letter=True, accommodation="hotel")
    theme = forum.themes.last()
    panel = make_panel(forum)
    panel.theme = theme
    panel.save()
    services.offer_panel(invitation=local, panel=panel)

    def names(query):
        response = organizer_client.get(_url(forum) + "?" + query)
        return {inv.speaker.last_name for inv in response.context["invitations"]}

    assert names("foreign=1") == {"Etrangere"}
    assert names("foreign=0") == {"Localova"}
    assert names("needs_visa=1") == {"Etrangere"}
    assert names("needs_hotel=1") == {"Etrangere"}
    assert names(f"theme={theme.code}") == {"Localova"}
    assert names("q=etrang") == {"Etrangere"}


def test_travel_csv_lists_travel_and_visa_needs(organizer_client, forum):
    inviting_organization(forum)
    invitation, _t = sent_invitation(forum, country="US", last_name="Whitfield", phone="=1+2")
    services.accept_invitation(invitation=invitation)
    services.update_travel(
        invitation=invitation, needs_visa_letter=True, arrival_flight="TK 333", dietary_needs="halal"
    )
    visa_services.save_applicant(
        invitation=invitation, **applicant_input(forum, nationality="US", passport_number="US5550001")
    )
    letter = visa_services.issue_letter(invitation=invitation)
    earlier, _t = sent_invitation(forum, country="BR", last_name="Earlier")
    services.accept_invitation(invitation=earlier)
    Invitation.objects.filter(pk=earlier.pk).update(nationality="BR", passport_number="BR777")
    response = organizer_client.get(_url(forum, "travel.csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["last_name"] == "Whitfield")
    # The passport and letter columns come from the letter step (visas), the only place it is asked.
    assert (row["nationality"], row["passport_number"], row["embassy_country"]) == ("US", "US5550001", "DE")
    assert row["visa_letter"] == letter.reference
    # Until the speaker fills the letter step, what an earlier travel form stored is not lost.
    row = next(r for r in rows if r["last_name"] == "Earlier")
    assert (row["nationality"], row["passport_number"], row["visa_letter"]) == ("BR", "BR777", "")
    row = next(r for r in rows if r["last_name"] == "Whitfield")
    assert row["needs_visa_letter"] == "yes" and row["foreign"] == "yes"
    assert row["arrival_flight"] == "TK 333" and row["dietary_needs"] == "halal"
    assert row["phone"] == "'=1+2"  # no formula injection into spreadsheets


def test_bulk_send_and_remind_go_through_services(organizer_client, forum):
    drafts = [InvitationFactory(forum=forum) for _ in range(3)]
    accepted = invitation_in_state(S.ACCEPTED, forum)
    chosen = {"action": "send", "invitation": [d.pk for d in drafts] + [accepted.pk]}
    organizer_client.cookies["django_language"] = "en"
    asked = organizer_client.post(_url(forum), chosen)  # more than one person: asked first
    assert "This emails 4 speakers." in asked.content.decode()
    assert not Invitation.objects.filter(pk__in=[d.pk for d in drafts], state=S.SENT).exists()
    response = organizer_client.post(_url(forum), {**chosen, "confirmed": "yes"}, follow=True)
    assert response.status_code == 200
    assert Invitation.objects.filter(pk__in=[d.pk for d in drafts], state=S.SENT).count() == 3
    assert OutboxMessage.objects.filter(kind="speaker_invitation").count() == 4  # + the accepted one's
    messages = [str(m) for m in response.context["messages"]]
    assert any(accepted.speaker.full_name in m for m in messages)
    organizer_client.post(_url(forum), {"action": "remind", "invitation": [drafts[0].pk]})
    organizer_client.post(_url(forum), {"action": "remind", "invitation": [drafts[0].pk]})
    assert OutboxMessage.objects.filter(kind="speaker_invitation_reminder").count() == 1


def test_organizer_creates_offers_and_withdraws(organizer_client, forum):
    speaker = SpeakerFactory()
    organizer_client.post(_url(forum), {"action": "invite", "speaker": speaker.pk})
    invitation = Invitation.objects.get(forum=forum, speaker=speaker)
    assert invitation.state == S.DRAFT
    panel = make_panel(forum)
    page = _url(forum, f"{invitation.pk}/")
    organizer_client.post(page, {"action": "offer", "panel": panel.pk, "role": "moderator"})
    organizer_client.post(page, {"action": "send"})
    invitation.refresh_from_db()
    assert invitation.state == S.SENT and invitation.offered_panels.get().role == "moderator"
    services.accept_invitation(invitation=invitation, panel_answers={panel.pk: True})
    assert Participation.objects.filter(speaker=speaker, role="moderator").exists()
    organizer_client.post(page, {"action": "withdraw"})  # asks first
    invitation.refresh_from_db()
    assert invitation.state == S.ACCEPTED
    organizer_client.post(page, {"action": "withdraw", "confirmed": "yes"})
    invitation.refresh_from_db()
    assert invitation.state == S.WITHDRAWN
    assert not Participation.objects.filter(speaker=speaker).exists()
    html = organizer_client.get(page).content.decode()
    assert speaker.email in html  # organizers see contact details


def test_desk_runs_the_same_queries_at_any_size(organizer_client, forum, django_assert_num_queries):
    panel = make_panel(forum)

    def add(n):
        for _ in range(n):
            invitation, _t = sent_invitation(forum)
            services.offer_panel(invitation=invitation, panel=panel)

    add(2)
    for url in (_url(forum), _url(forum, "travel.csv")):
        with CaptureQueriesContext(connection) as small:
            organizer_client.get(url)
        add(4)
        with django_assert_num_queries(len(small.captured_queries)):
            organizer_client.get(url)


def test_expired_invitation_can_be_reopened_with_a_new_deadline(forum):
    invitation = invitation_in_state(S.EXPIRED, forum)
    services.send_invitation(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.state == S.SENT and invitation.send_round == 2
    assert invitation.response_deadline > timezone.now()
