import pytest
from django.core.management import call_command

from forum.models import Forum
from speakers.models import Invitation, Speaker

pytestmark = pytest.mark.django_db


def test_demo_has_thirty_speakers_a_third_foreign_and_every_invitation_state():
    call_command("seed_demo", verbosity=0)
    forum = Forum.objects.get(slug="ncf-2")
    speakers = Speaker.objects.filter(email__endswith="@demo.forum.example")
    assert speakers.count() == 30
    foreign = [s for s in speakers if s.is_foreign_for(forum)]
    assert len(foreign) == 10
    states = set(Invitation.objects.filter(forum=forum).values_list("state", flat=True))
    assert states == set(Invitation.State.values)
    assert Invitation.objects.filter(forum=forum, needs_visa_letter=True).exists()
