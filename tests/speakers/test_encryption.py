"""Passport numbers and health-related needs are encrypted at rest; organizers still read them.

The passport is entered in the visa letter step (visas.VisaApplicant); the invitation's own
passport columns keep what earlier travel forms stored, encrypted the same way."""

import csv
import datetime
import hashlib
import importlib
import io
import types

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from pypdf import PdfReader

from forum import crypto
from speakers import services
from speakers.models import Invitation
from tests.factories import applicant_input, inviting_organization
from tests.speakers.conftest import sent_invitation
from visas import services as visa_services
from visas.models import VisaApplicant

pytestmark = pytest.mark.django_db

PASSPORT = "QX7351908"
DIET = "kosher, no shellfish"
ACCESS = "step-free access, hearing loop"
migration = importlib.import_module("speakers.migrations.0005_encrypt_personal_data")


def _raw(invitation, column, table="speakers_invitation", key="id"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {key} = %s", [invitation.pk])  # noqa: S608
        return cursor.fetchone()[0]


def _applicant_raw(invitation):
    return _raw(invitation, "passport_number", table="visas_visaapplicant", key="invitation_id")


def _traveller(forum, *, earlier_passport=True):
    """An accepted foreign speaker with needs, passport data in the letter step and, as an earlier
    travel form stored them, passport details on the invitation."""
    invitation, token = sent_invitation(forum, first_name="Mirela", last_name="Constantin", country="RO")
    services.accept_invitation(invitation=invitation)
    services.update_travel(
        invitation=invitation, needs_visa_letter=True, dietary_needs=DIET, accessibility_needs=ACCESS
    )
    if earlier_passport:
        Invitation.objects.filter(pk=invitation.pk).update(
            nationality="RO", passport_number=PASSPORT, passport_expiry=forum.end_date + datetime.timedelta(days=900)
        )
    visa_services.save_applicant(
        invitation=invitation, **applicant_input(forum, surname="Constantin", given_names="Mirela",
                                                 nationality="RO", passport_number=PASSPORT)
    )  # fmt: skip
    return Invitation.objects.get(pk=invitation.pk), token


def _pdf_text(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_database_columns_hold_ciphertext_and_organizers_still_read_the_passport(forum, organizer_client):
    inviting_organization(forum)
    invitation, _token = _traveller(forum)
    for column, secret in (("passport_number", PASSPORT), ("dietary_needs", DIET), ("accessibility_needs", ACCESS)):
        raw = _raw(invitation, column)
        assert secret not in raw and secret.split(",")[0] not in raw
        assert raw.startswith("gAAAAA")  # a Fernet token
        assert crypto.decrypt(raw) == secret
    assert invitation.passport_number == PASSPORT
    raw = _applicant_raw(invitation)
    assert PASSPORT not in raw and raw.startswith("gAAAAA") and crypto.decrypt(raw) == PASSPORT

    base = f"/organizer/forums/{forum.slug}/speakers/"
    assert PASSPORT in organizer_client.get(f"{base}{invitation.pk}/").content.decode()
    rows = list(csv.DictReader(io.StringIO(organizer_client.get(f"{base}travel.csv").content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["last_name"] == "Constantin")
    assert (row["passport_number"], row["dietary_needs"], row["accessibility_needs"]) == (PASSPORT, DIET, ACCESS)
    letter = organizer_client.get(f"{base}{invitation.pk}/visa-letter.pdf")
    assert letter.status_code == 200
    assert PASSPORT in _pdf_text(b"".join(letter.streaming_content))  # a private file, streamed


def test_the_same_passport_is_stored_differently_each_time(forum):
    invitation, _token = _traveller(forum)
    first = _applicant_raw(invitation)
    visa_services.save_applicant(
        invitation=invitation, **applicant_input(forum, given_names="Mirela", passport_number=PASSPORT)
    )
    assert _applicant_raw(invitation) != first
    assert VisaApplicant.objects.get(invitation=invitation).passport_number == PASSPORT


def test_encrypted_fields_refuse_searches_the_database_cannot_answer(forum):
    _traveller(forum)
    for model in (Invitation, VisaApplicant):
        with pytest.raises(FieldError):
            list(model.objects.filter(passport_number=PASSPORT))
        with pytest.raises(FieldError):
            list(model.objects.filter(passport_number__icontains="QX"))
        assert model.objects.exclude(passport_number="").count() == 1


def test_a_new_key_listed_first_rotates_in_and_the_old_one_can_then_go(forum, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    invitation, _token = _traveller(forum)
    under_old = _raw(invitation, "passport_number")

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert Invitation.objects.get(pk=invitation.pk).passport_number == PASSPORT  # old values still read
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "speakers.Invitation.passport_number: 1 value(s) re-encrypted" in out.getvalue()
    assert "visas.VisaApplicant.passport_number: 1 value(s) re-encrypted" in out.getvalue()
    under_new = _raw(invitation, "passport_number")
    assert under_new != under_old
    assert Fernet(new.encode()).decrypt(under_new.encode()).decode() == PASSPORT
    assert Fernet(new.encode()).decrypt(_applicant_raw(invitation).encode()).decode() == PASSPORT

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is retired
    reloaded = Invitation.objects.get(pk=invitation.pk)
    assert (reloaded.passport_number, reloaded.dietary_needs, reloaded.accessibility_needs) == (PASSPORT, DIET, ACCESS)
    assert VisaApplicant.objects.get(invitation=invitation).passport_number == PASSPORT

    settings.FIELD_ENCRYPTION_KEYS = [old]  # a value is unreadable without its key: an error, not garbage
    with pytest.raises(crypto.DecryptionError):
        Invitation.objects.get(pk=invitation.pk)


def test_the_data_migration_encrypts_plain_values_and_keeps_letter_references(forum):
    """Run against the models as they were at speakers 0005: the English letters' tables are still
    there (speakers 0007 only makes Django forget them), so the migration still re-keys them."""
    from django.db.migrations.loader import MigrationLoader

    historical = MigrationLoader(connection).project_state(("speakers", "0005_encrypt_personal_data")).apps
    invitation, _token = _traveller(forum)
    # The state before the migration: plain text in the columns, bare sha256 letter fingerprints.
    parts = ["Mirela Constantin", "RO", PASSPORT, str(invitation.passport_expiry), "None", "None", "Committee"]
    OldLetter = historical.get_model("speakers", "VisaLetter")
    letter = OldLetter.objects.create(
        invitation_id=invitation.pk, reference="NCF-2025-0001", year=2025, number=1, signer_name="Committee",
        fingerprint=hashlib.sha256("\x1f".join(parts).encode()).hexdigest(),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE speakers_invitation SET passport_number = %s, dietary_needs = %s WHERE id = %s",
            [PASSPORT, DIET, invitation.pk],
        )
    schema_editor = types.SimpleNamespace(connection=connection)
    migration.encrypt_existing(historical, schema_editor)
    assert _raw(invitation, "passport_number").startswith("gAAAAA")
    assert PASSPORT not in _raw(invitation, "passport_number") and DIET not in _raw(invitation, "dietary_needs")
    reloaded = Invitation.objects.get(pk=invitation.pk)
    assert (reloaded.passport_number, reloaded.dietary_needs) == (PASSPORT, DIET)
    letter.refresh_from_db()
    assert letter.fingerprint == crypto.fingerprint(*parts, purpose="visa-letter")  # re-keyed, same reference
    migration.encrypt_existing(historical, schema_editor)  # twice is harmless
    assert Invitation.objects.get(pk=invitation.pk).passport_number == PASSPORT

    migration.decrypt_existing(historical, schema_editor)  # the way back
    assert _raw(invitation, "passport_number") == PASSPORT
