"""Ids that pages read from forms are plain ASCII numbers within a key's range; anything else is a
form error (or nothing chosen), never a 500 and never another row."""

import pytest

from core.forms import parse_id
from speakers.models import Invitation
from tests.factories import InvitationFactory, PanelFactory

pytestmark = pytest.mark.django_db

NOT_IDS = ["²", "١٢", "1" * 5000, str(2**63), "0", "-1", "1.0", " ", "0x10", "1e3", "１"]


@pytest.mark.parametrize("value", NOT_IDS)
def test_only_plain_ascii_numbers_within_a_key_are_ids(value):
    assert parse_id(value) is None


def test_plain_numbers_are_ids():
    assert parse_id("12") == 12
    assert parse_id(7) == 7
    assert parse_id(True) is None


@pytest.mark.parametrize("value", NOT_IDS)
def test_bulk_send_with_a_hostile_id_sends_nothing(organizer_client, forum, value):
    invitation = InvitationFactory(forum=forum)
    response = organizer_client.post(
        f"/organizer/forums/{forum.slug}/speakers/", {"action": "send", "invitation": [value, str(invitation.pk)]}
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.DRAFT


@pytest.mark.parametrize("value", NOT_IDS)
def test_unoffer_with_a_hostile_panel_id_is_a_message(organizer_client, forum, value):
    invitation = InvitationFactory(forum=forum)
    response = organizer_client.post(
        f"/organizer/forums/{forum.slug}/speakers/{invitation.pk}/", {"action": "unoffer", "panel": value}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("value", NOT_IDS)
def test_chosen_panels_with_a_hostile_id_are_refused_on_the_manage_page(client, forum, value):
    from tests.factories import register_attendee

    registration = register_attendee(forum)
    PanelFactory(forum=forum)
    response = client.post(f"/registration/{registration.raw_token}/panels/", {"panels": [value]})
    assert response.status_code in (200, 400, 409)
    assert not registration.panels.exists()
