"""Issuing, reissuing (superseding) and revoking letters, by hand and when the invitation ends."""

import pytest

from speakers import services as speaker_services
from tests.factories import applicant_input, inviting_organization
from visas import services
from visas.errors import VisaError
from visas.models import Signatory, VisaLetter

pytestmark = pytest.mark.django_db


def test_issuing_gives_a_reference_a_verification_code_and_a_stored_pdf(ready_invitation):
    letter = services.issue_letter(invitation=ready_invitation)
    assert letter.reference.startswith(f"NCF-{letter.issued_at.year}-")
    assert len(letter.code) == 10
    assert letter.status == "valid"
    assert letter.signatory_name == "Elnur Mammadov"
    assert letter.applicant_initials == "A.M.W."
    assert letter.passport_tail == "T47"
    assert letter.pdf.open("rb").read(4) == b"%PDF"


def test_issuing_again_without_changes_keeps_the_same_letter(ready_invitation):
    first = services.issue_letter(invitation=ready_invitation)
    again = services.issue_letter(invitation=ready_invitation)
    assert again.pk == first.pk
    assert VisaLetter.objects.count() == 1


def test_reissue_after_a_change_supersedes_the_previous_letter(ready_invitation, forum):
    first = services.issue_letter(invitation=ready_invitation)
    services.save_applicant(invitation=ready_invitation, **applicant_input(forum, birth_place="Bremen"))
    second = services.issue_letter(invitation=ready_invitation)
    first.refresh_from_db()
    assert second.pk != first.pk and second.reference != first.reference
    assert first.superseded_by == second
    assert first.status == "superseded"
    assert second.status == "valid"


def test_changed_cost_coverage_also_leads_to_a_new_letter(ready_invitation):
    first = services.issue_letter(invitation=ready_invitation)
    services.set_cost_coverage(invitation=ready_invitation, travel="speaker", accommodation="organizers",
                               meals="organizers")  # fmt: skip
    second = services.issue_letter(invitation=ready_invitation)
    assert second.pk != first.pk


def test_organizers_revoke_a_letter_with_a_reason(ready_invitation):
    letter = services.issue_letter(invitation=ready_invitation)
    with pytest.raises(VisaError) as caught:
        services.revoke_letter(letter=letter, reason="  ")
    assert "reason" in caught.value.fields
    services.revoke_letter(letter=letter, reason="Issued with a wrong passport number.")
    letter.refresh_from_db()
    assert letter.status == "revoked"
    with pytest.raises(VisaError) as caught:
        services.revoke_letter(letter=letter, reason="again")
    assert caught.value.status == 409


def test_after_a_revocation_a_new_letter_can_be_issued(ready_invitation):
    letter = services.issue_letter(invitation=ready_invitation)
    services.revoke_letter(letter=letter, reason="Wrong data.")
    fresh = services.issue_letter(invitation=ready_invitation)
    assert fresh.pk != letter.pk and fresh.status == "valid"


def test_declining_revokes_every_letter_of_the_invitation(ready_invitation):
    letter = services.issue_letter(invitation=ready_invitation)
    speaker_services.decline_invitation(invitation=ready_invitation, reason="Cannot travel.")
    letter.refresh_from_db()
    assert letter.status == "revoked"
    assert "declined" in letter.revoked_reason


def test_withdrawing_revokes_every_letter_of_the_invitation(ready_invitation):
    letter = services.issue_letter(invitation=ready_invitation)
    speaker_services.withdraw_invitation(invitation=ready_invitation)
    letter.refresh_from_db()
    assert letter.status == "revoked"
    assert "withdrew" in letter.revoked_reason


def test_a_declined_invitation_gets_no_new_letter(ready_invitation):
    speaker_services.decline_invitation(invitation=ready_invitation)
    with pytest.raises(VisaError) as caught:
        services.issue_letter(invitation=ready_invitation)
    assert caught.value.status == 409


def test_other_saves_of_an_accepted_invitation_leave_its_letter_valid(ready_invitation):
    letter = services.issue_letter(invitation=ready_invitation)
    speaker_services.update_travel(invitation=ready_invitation, arrival_flight="J2 71")
    letter.refresh_from_db()
    assert letter.status == "valid"


def test_no_letter_without_a_signatory_with_signature_and_stamp(forum, invitation):
    organization = inviting_organization(forum, with_signatory=False)
    services.save_applicant(invitation=invitation, **applicant_input(forum))
    problems = services.letter_problems(invitation)
    assert any("signatory" in str(problem) for problem in problems)
    with pytest.raises(VisaError):
        services.issue_letter(invitation=invitation)
    Signatory.objects.create(organization=organization, name="No Stamp", title_az="x", title_en="x", signature="a.png")
    assert services.letter_problems(invitation)


def test_no_letter_without_passport_data(invitation, organization):
    assert any("passport" in str(problem) for problem in services.letter_problems(invitation))
