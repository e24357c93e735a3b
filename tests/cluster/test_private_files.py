"""Private files behind nginx: the node checks access and answers with X-Accel-Redirect, nginx sends
the file from its internal location; that location, and the private folder under /media/, are
unreachable by URL."""

import re

from deploy.cluster import LOOPBACK_FIELD_KEY, LOOPBACK_SECRET_KEY
from speakers import services as speaker_services
from tests.cluster.conftest import CLUSTER_TEST, wait_for
from tests.factories import ForumFactory, InvitationFactory, SpeakerFactory, applicant_input, inviting_organization
from visas import services as visa_services

pytestmark = CLUSTER_TEST

TOKEN_RE = re.compile(r"/rsvp/([A-Za-z0-9_-]{43})/")


def _rsvp_token(cluster, email):
    """The personal link of the invitation email, as the speaker receives it."""
    messages = wait_for(lambda: cluster.smtp.handler.to(email), timeout=60, message="the invitation email")
    for part in messages[0].walk():
        if part.get_content_type() == "text/plain":
            match = TOKEN_RE.search(part.get_content())
            if match:
                return match.group(1)
    raise AssertionError("no RSVP link in the invitation email")


def _log_in(cluster, session, user):
    login = f"{cluster.url}/admin/login/"
    page = session.get(login, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{login}?next=/admin/",
        data={"username": user.username, "password": "correct-horse-battery", "csrfmiddlewaretoken": token},
        headers={"Referer": login},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]


def test_a_speakers_letter_and_an_organizers_private_file_are_sent_by_nginx_after_the_check(
    cluster, organizer_user, settings
):
    cluster.reset_limits()
    # Files written here land where the nodes read them, encrypted data as the nodes can read it.
    settings.PRIVATE_MEDIA_ROOT = cluster.cluster.private_root
    settings.FIELD_ENCRYPTION_KEYS = [LOOPBACK_FIELD_KEY]
    # The letter's fingerprint is keyed from SECRET_KEY: the nodes must find the letter made here current.
    settings.SECRET_KEY = LOOPBACK_SECRET_KEY
    forum = ForumFactory()
    organization = inviting_organization(forum)
    speaker = SpeakerFactory(country="DE")
    invitation = InvitationFactory(forum=forum, speaker=speaker)
    speaker_services.send_invitation(invitation=invitation)
    token = _rsvp_token(cluster, speaker.email)
    speaker_services.accept_invitation(invitation=invitation)
    visa_services.save_applicant(invitation=invitation, **applicant_input(forum))
    letter = visa_services.issue_letter(invitation=invitation)
    letter_bytes = (cluster.cluster.private_root / letter.pdf.name).read_bytes()
    assert letter_bytes.startswith(b"%PDF")
    letter_url = f"/rsvp/{token}/visa-support-letter.pdf"

    # Straight to a node: the access check passes and the node hands the file over to nginx.
    direct = cluster.node("web1").get(letter_url)
    assert direct.status_code == 200
    assert direct.headers["X-Accel-Redirect"] == f"/_protected/{letter.pdf.name}"
    assert direct.content == b""

    # Through nginx, with the speaker's personal link: the file's bytes, sent by nginx.
    log_before = len(cluster.access_log())
    with cluster.session() as session:
        response = session.get(f"{cluster.url}{letter_url}", timeout=30)
    assert response.status_code == 200
    assert response.content == letter_bytes
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="visa-letter-{letter.reference}.pdf"'
    assert "no-store" in response.headers["Cache-Control"]
    assert "X-Accel-Redirect" not in response.headers
    [entry] = [entry for entry in cluster.access_log()[log_before:] if entry["uri"] == letter_url]
    assert entry["bytes"] == len(letter_bytes) and entry["upstream"], entry  # a node checked, nginx sent

    # An organizer, signed in through nginx, downloads the letter from the desk and a stamp image.
    stamp = organization.signatories.get().stamp
    stamp_bytes = (cluster.cluster.private_root / stamp.name).read_bytes()
    with cluster.session() as session:
        anonymous = session.get(f"{cluster.url}/organizer/visa-files/{stamp.name}", allow_redirects=False, timeout=30)
        assert anonymous.status_code == 302 and anonymous.content != stamp_bytes
        _log_in(cluster, session, organizer_user)
        desk_copy = session.get(f"{cluster.url}/organizer/forums/{forum.slug}/visa-letters/letter/{letter.pk}.pdf")
        assert desk_copy.status_code == 200 and desk_copy.content == letter_bytes
        image = session.get(f"{cluster.url}/organizer/visa-files/{stamp.name}", timeout=30)
        assert image.status_code == 200
        assert image.content == stamp_bytes and stamp_bytes.startswith(b"\x89PNG")
        assert image.headers["Content-Type"] == "image/png"
        assert "X-Accel-Redirect" not in image.headers

        # From outside, the internal location and the private folder under /media/ do not exist,
        # even for a signed-in organizer; a wrong personal link gets no file either.
        for path in (f"/_protected/{letter.pdf.name}", f"/_protected/{stamp.name}", f"/media/private/{stamp.name}"):
            refused = session.get(f"{cluster.url}{path}", allow_redirects=False, timeout=30)
            assert refused.status_code == 404, (path, refused.status_code)
            assert refused.content not in (letter_bytes, stamp_bytes)
        wrong = session.get(f"{cluster.url}/rsvp/{'x' * 43}/visa-support-letter.pdf", timeout=30)
        assert wrong.status_code == 404 and not wrong.content.startswith(b"%PDF")
