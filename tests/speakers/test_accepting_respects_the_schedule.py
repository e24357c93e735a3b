"""Accepting an offered panel seats the expert through the scheduling rules."""

import pytest

from panels.models import Participation
from speakers import services
from speakers.errors import SpeakerError
from speakers.models import Invitation, InvitationPanel
from tests.speakers.conftest import make_panel, sent_invitation

pytestmark = pytest.mark.django_db


def test_accepting_two_panels_at_the_same_hour_is_refused_and_nothing_changes(forum):
    morning = make_panel(forum, title="Morning A", hour=10)
    clash = make_panel(forum, title="Morning B", hour=10)  # same hour, another room
    invitation, _token = sent_invitation(forum)
    services.offer_panel(invitation=invitation, panel=morning)
    services.offer_panel(invitation=invitation, panel=clash)

    with pytest.raises(SpeakerError) as error:
        services.accept_invitation(invitation=invitation, panel_answers={morning.pk: True, clash.pk: True})

    assert error.value.status == 409
    assert invitation.speaker.full_name in error.value.message
    assert not Participation.objects.filter(speaker=invitation.speaker).exists()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.SENT
    assert set(InvitationPanel.objects.filter(invitation=invitation).values_list("answer", flat=True)) == {
        InvitationPanel.Answer.OFFERED
    }


def test_accepting_panels_at_different_hours_seats_the_expert_on_both(forum):
    first = make_panel(forum, title="Morning", hour=10)
    second = make_panel(forum, title="Afternoon", hour=14)
    invitation, _token = sent_invitation(forum)
    services.offer_panel(invitation=invitation, panel=first)
    services.offer_panel(invitation=invitation, panel=second, role=Participation.Role.MODERATOR)

    services.accept_invitation(invitation=invitation, panel_answers={first.pk: True, second.pk: True})

    seats = dict(Participation.objects.filter(speaker=invitation.speaker).values_list("panel_id", "role"))
    assert seats == {first.pk: Participation.Role.PANELIST, second.pk: Participation.Role.MODERATOR}
