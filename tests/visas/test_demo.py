import io
import re

import pytest
from django.core.management import call_command

from forum.models import Forum
from visas.models import VisaLetter

pytestmark = pytest.mark.django_db


@pytest.mark.timeout(300)
def test_demo_has_a_foreign_speaker_whose_letter_is_ready_and_prints_the_link(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    forum = Forum.objects.get(slug="ncf-2")
    letter = VisaLetter.objects.get(invitation__forum=forum)
    assert letter.status == "valid"
    assert letter.invitation.is_foreign
    assert forum.inviting_organization.signatories.get().stamp
    match = re.search(rf"RSVP page of .*visa letter {letter.reference} ready\): \S*(/rsvp/\S+/)", out.getvalue())
    assert match, out.getvalue()
    page = client.get(match.group(1)).content.decode()
    assert "/visa-letter.pdf" in page
    assert client.get(f"/v/{letter.code}").status_code == 200

    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert VisaLetter.objects.count() == 1  # a second run changes nothing
