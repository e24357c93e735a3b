"""The public verification page: what it confirms, what it never shows, and that every unknown or
malformed reference gets the very same answer."""

import pytest
from django.urls import reverse

from speakers import services as speaker_services
from tests.factories import applicant_input
from visas import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(ready_invitation):
    return services.issue_letter(invitation=ready_invitation)


def _page(client, code):
    return client.get(f"/v/{code}")


def test_the_printed_url_is_the_verification_page(letter):
    assert reverse("visas:verify", kwargs={"code": letter.code}) == f"/v/{letter.code}"


def test_a_valid_letter_is_confirmed_with_initials_passport_tail_and_dates_only(client, letter):
    response = _page(client, letter.code)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-status="valid"' in body
    assert letter.reference in body
    assert "A.M.W." in body
    assert "…T47" in body
    assert letter.arrival_date.strftime("%Y") in body
    for private in ("Weber", "Anna", "C01X00T47", "Hamburg", "1981"):
        assert private not in body, private
    assert response["X-Robots-Tag"] == "noindex"


def test_lower_case_codes_are_read_too(client, letter):
    assert _page(client, letter.code.lower()).status_code == 200


def test_a_revoked_letter_says_so(client, letter):
    services.revoke_letter(letter=letter, reason="Wrong data.")
    body = _page(client, letter.code).content.decode()
    assert 'data-status="revoked"' in body
    assert "Wrong data." not in body  # the reason is for organizers


def test_a_letter_of_a_declined_invitation_shows_as_revoked(client, letter, ready_invitation):
    speaker_services.decline_invitation(invitation=ready_invitation)
    assert 'data-status="revoked"' in _page(client, letter.code).content.decode()


def test_a_superseded_letter_says_a_newer_one_exists(client, letter, ready_invitation, forum):
    services.save_applicant(invitation=ready_invitation, **applicant_input(forum, birth_place="Bremen"))
    newer = services.issue_letter(invitation=ready_invitation)
    assert 'data-status="superseded"' in _page(client, letter.code).content.decode()
    assert newer.reference not in _page(client, letter.code).content.decode()
    assert 'data-status="valid"' in _page(client, newer.code).content.decode()


UNKNOWN = ["ABCDEFGHJK", "abcdefghjk", "", "x", "ABCDEFGHJKL", "NCF-2026-0001", "../../etc/passwd", "%00", "A B",
           "ABCDEFGHJK/", "ABC/DEF", "'; DROP TABLE visas_visaletter; --", "ÄÖÜ", "0000000000", "a" * 500]  # fmt: skip


def test_every_unknown_or_malformed_reference_answers_identically(client, letter):
    answers = set()
    for code in UNKNOWN:
        response = _page(client, code)
        answers.add((response.status_code, response.content, response["Content-Type"]))
    assert len(answers) == 1
    ((status, body, _type),) = answers
    assert status == 404
    assert letter.reference.encode() not in body


def test_the_reference_number_itself_does_not_open_the_letter(client, letter):
    assert _page(client, letter.reference).status_code == 404


def test_verification_is_rate_limited_per_address(client, letter, settings):
    settings.VISA_VERIFY_RATE = "3/m"
    statuses = [_page(client, "ABCDEFGHJK").status_code for _ in range(3)]
    assert statuses == [404, 404, 404]
    assert _page(client, letter.code).status_code == 429
    assert _page(client, "ABCDEFGHJK").status_code == 429
