import itertools

import pytest

from speakers import services
from speakers.errors import SpeakerError
from speakers.models import Invitation
from tests.speakers.conftest import invitation_in_state

pytestmark = pytest.mark.django_db

S = Invitation.State
ACTIONS = {
    "send": (S.SENT, lambda inv: services.send_invitation(invitation=inv)),
    "view": (S.VIEWED, lambda inv: services.mark_viewed(invitation=inv)),
    "accept": (S.ACCEPTED, lambda inv: services.accept_invitation(invitation=inv)),
    "decline": (S.DECLINED, lambda inv: services.decline_invitation(invitation=inv)),
    "expire": (S.EXPIRED, lambda inv: services.expire_invitation(invitation=inv)),
    "withdraw": (S.WITHDRAWN, lambda inv: services.withdraw_invitation(invitation=inv)),
}
LEGAL = {
    (S.DRAFT, "send"), (S.DRAFT, "withdraw"),
    (S.SENT, "view"), (S.SENT, "accept"), (S.SENT, "decline"), (S.SENT, "expire"), (S.SENT, "withdraw"),
    (S.VIEWED, "accept"), (S.VIEWED, "decline"), (S.VIEWED, "expire"), (S.VIEWED, "withdraw"),
    (S.ACCEPTED, "decline"), (S.ACCEPTED, "withdraw"),
    (S.DECLINED, "accept"), (S.DECLINED, "withdraw"),
    (S.EXPIRED, "send"), (S.EXPIRED, "withdraw"),
}  # fmt: skip
TIMESTAMP = {S.SENT: "sent_at", S.VIEWED: "viewed_at", S.ACCEPTED: "accepted_at", S.DECLINED: "declined_at",
             S.EXPIRED: "expired_at", S.WITHDRAWN: "withdrawn_at"}  # fmt: skip


@pytest.mark.parametrize(("state", "action"), sorted(itertools.product(S.values, ACTIONS), key=str))
def test_every_transition_is_allowed_or_refused_by_the_table(forum, state, action):
    invitation = invitation_in_state(state, forum)
    target, perform = ACTIONS[action]
    if (state, action) in LEGAL:
        perform(invitation)
        invitation.refresh_from_db()
        assert invitation.state == target
        assert getattr(invitation, TIMESTAMP[target]) is not None
    else:
        with pytest.raises(SpeakerError) as caught:
            perform(invitation)
        assert caught.value.code == "illegal_transition"
        assert caught.value.status == 409
        invitation.refresh_from_db()
        assert invitation.state == state


def test_the_table_in_the_service_is_the_one_tested():
    table = {(state, action) for state, targets in services.TRANSITIONS.items() for action, (target, _f) in
             ACTIONS.items() if target in targets}  # fmt: skip
    assert table == LEGAL


def test_state_cannot_be_set_by_saving_a_form_field():
    assert Invitation._meta.get_field("state").editable is False
