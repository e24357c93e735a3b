"""Every rule a consulate would apply to the applicant's data, one test each."""

import datetime

import pytest

from speakers.models import Invitation
from tests.factories import applicant_input
from tests.speakers.conftest import invitation_in_state
from visas import rules, services
from visas.errors import VisaError
from visas.models import VisaApplicant

pytestmark = pytest.mark.django_db


def _errors(forum, invitation, **overrides):
    with pytest.raises(VisaError) as caught:
        services.save_applicant(invitation=invitation, **applicant_input(forum, **overrides))
    assert caught.value.code == "invalid"
    assert not VisaApplicant.objects.filter(invitation=invitation).exists()
    return caught.value.fields


def test_valid_data_is_saved_with_the_passport_number_normalized_and_encrypted(forum, invitation):
    from django.db import connection

    applicant = services.save_applicant(invitation=invitation, **applicant_input(forum, passport_number="c01x 00t-47"))
    applicant.refresh_from_db()
    assert applicant.passport_number == "C01X00T47"
    with connection.cursor() as cursor:
        cursor.execute("SELECT passport_number FROM visas_visaapplicant WHERE id = %s", [applicant.pk])
        stored = cursor.fetchone()[0]
    assert "C01X00T47" not in stored


@pytest.mark.parametrize("field", ["surname", "given_names"])
@pytest.mark.parametrize("value", ["Müller", "Вебер", "Anna2", "-Anna", ""])
def test_names_must_be_latin_letters_as_in_the_passport(forum, invitation, field, value):
    assert field in _errors(forum, invitation, **{field: value})


@pytest.mark.parametrize("value", ["Dr Anna", "Prof. Anna Maria", "Anna PhD"])
def test_titles_are_refused_in_the_name(forum, invitation, value):
    fields = _errors(forum, invitation, given_names=value)
    assert "titles" in fields["given_names"][0]


def test_hyphens_apostrophes_and_spaces_are_accepted_in_names(forum, invitation):
    services.save_applicant(
        invitation=invitation, **applicant_input(forum, surname="O'Neill-Weber", given_names="Anna Maria")
    )


@pytest.mark.parametrize(
    "field", ["birth_place", "passport_authority", "nationality", "consulate_country", "birth_date",
              "passport_issued_on", "passport_expires_on", "arrival_date", "departure_date", "passport_number"],
)  # fmt: skip
def test_required_fields_are_required(forum, invitation, field):
    assert field in _errors(forum, invitation, **{field: None if "date" in field or "_on" in field else ""})


def test_sex_and_consulate_city_are_optional(forum, invitation):
    services.save_applicant(invitation=invitation, **applicant_input(forum, sex="", consulate_city=""))


def test_birth_date_in_the_future_is_refused(forum, invitation):
    assert "birth_date" in _errors(forum, invitation, birth_date=datetime.date.today() + datetime.timedelta(days=1))


@pytest.mark.parametrize("number", ["AB12", "AB12345678901234567890X", "AB#12345"])
def test_passport_number_must_be_5_to_20_letters_and_digits(forum, invitation, number):
    assert "passport_number" in _errors(forum, invitation, passport_number=number)


def test_issue_date_in_the_future_is_refused(forum, invitation):
    assert "passport_issued_on" in _errors(
        forum, invitation, passport_issued_on=datetime.date.today() + datetime.timedelta(days=2)
    )


def test_issue_date_before_birth_is_refused(forum, invitation):
    assert "passport_issued_on" in _errors(
        forum, invitation, birth_date=datetime.date(1990, 1, 1), passport_issued_on=datetime.date(1989, 1, 1)
    )


def test_expiry_before_issue_is_refused(forum, invitation):
    assert "passport_expires_on" in _errors(
        forum, invitation, passport_issued_on=datetime.date(2021, 3, 2), passport_expires_on=datetime.date(2021, 3, 1)
    )


def test_passport_must_be_valid_three_months_after_departure(forum, invitation):
    departure = forum.end_date + datetime.timedelta(days=1)
    three_months = rules.add_months(departure, 3)
    fields = _errors(
        forum, invitation, departure_date=departure, passport_expires_on=three_months - datetime.timedelta(days=1)
    )
    assert three_months.isoformat() in fields["passport_expires_on"][0]
    services.save_applicant(
        invitation=invitation,
        **applicant_input(forum, departure_date=departure, passport_expires_on=three_months),
    )


def test_add_months_keeps_the_end_of_month():
    assert rules.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert rules.add_months(datetime.date(2026, 10, 15), 3) == datetime.date(2027, 1, 15)


def test_exit_before_entry_is_refused(forum, invitation):
    assert "departure_date" in _errors(forum, invitation, arrival_date=forum.end_date, departure_date=forum.start_date)


def test_stay_may_start_up_to_the_window_before_the_forum_and_no_earlier(forum, invitation, settings):
    settings.VISA_STAY_WINDOW_DAYS = 7
    assert "arrival_date" in _errors(forum, invitation, arrival_date=forum.start_date - datetime.timedelta(days=8))
    services.save_applicant(
        invitation=invitation, **applicant_input(forum, arrival_date=forum.start_date - datetime.timedelta(days=7))
    )


def test_stay_may_end_up_to_the_window_after_the_forum_and_no_later(forum, invitation, settings):
    settings.VISA_STAY_WINDOW_DAYS = 7
    assert "departure_date" in _errors(forum, invitation, departure_date=forum.end_date + datetime.timedelta(days=8))
    services.save_applicant(
        invitation=invitation, **applicant_input(forum, departure_date=forum.end_date + datetime.timedelta(days=7))
    )


def test_stay_must_overlap_the_forum(forum, invitation):
    fields = _errors(
        forum,
        invitation,
        arrival_date=forum.start_date - datetime.timedelta(days=5),
        departure_date=forum.start_date - datetime.timedelta(days=2),
    )
    assert "departure_date" in fields


def test_every_broken_rule_is_reported_at_once_next_to_its_field(forum, invitation):
    fields = _errors(forum, invitation, surname="", birth_place="", passport_number="x")
    assert {"surname", "birth_place", "passport_number"} <= set(fields)


@pytest.mark.parametrize("state", [Invitation.State.SENT, Invitation.State.DECLINED, Invitation.State.WITHDRAWN])
def test_only_an_accepted_invitation_can_give_passport_data(forum, state):
    invitation = invitation_in_state(state, forum)
    with pytest.raises(VisaError) as caught:
        services.save_applicant(invitation=invitation, **applicant_input(forum))
    assert caught.value.status == 409


def test_unknown_fields_are_refused(forum, invitation):
    with pytest.raises(VisaError):
        services.save_applicant(invitation=invitation, **applicant_input(forum, favourite_colour="blue"))


def test_saving_again_updates_the_same_record(forum, invitation):
    services.save_applicant(invitation=invitation, **applicant_input(forum))
    services.save_applicant(invitation=invitation, **applicant_input(forum, birth_place="Bremen"))
    assert VisaApplicant.objects.get(invitation=invitation).birth_place == "Bremen"


def test_cost_coverage_accepts_only_organizers_or_speaker(invitation):
    coverage = services.set_cost_coverage(
        invitation=invitation, travel="speaker", accommodation="organizers", meals="organizers"
    )
    assert coverage.accommodation == "organizers"
    with pytest.raises(VisaError):
        services.set_cost_coverage(invitation=invitation, travel="airline", accommodation="speaker", meals="speaker")
