"""Encrypt passport numbers and health-related needs at rest, and key the visa letter digests.

The columns become text holding Fernet ciphertext (forum.crypto); existing plain values are
encrypted in place with raw SQL (the historical model would try to decrypt them). Visa letter
fingerprints were a bare sha256 of the letter's details, passport number included, which can be
reversed by guessing; they become an HMAC, re-computed for letters whose details are unchanged
so those keep their reference number.
"""

import hashlib

from django.db import migrations

import forum.fields

ENCRYPTED_COLUMNS = ("passport_number", "dietary_needs", "accessibility_needs")


def _table(apps, schema_editor, model):
    return schema_editor.connection.ops.quote_name(apps.get_model("speakers", model)._meta.db_table)


def encrypt_existing(apps, schema_editor):
    from forum import crypto

    table = _table(apps, schema_editor, "Invitation")
    with schema_editor.connection.cursor() as cursor:
        for column in ENCRYPTED_COLUMNS:
            cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
            for pk, value in cursor.fetchall():
                if crypto.is_encrypted(value):
                    continue
                cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [crypto.encrypt(value), pk])  # noqa: S608
    rekey_letter_fingerprints(apps, schema_editor)


def rekey_letter_fingerprints(apps, schema_editor):
    from forum import crypto

    VisaLetter = apps.get_model("speakers", "VisaLetter")
    for letter in VisaLetter.objects.select_related("invitation__speaker"):
        invitation = letter.invitation  # values are encrypted by now: the field decrypts them
        speaker = invitation.speaker
        latin = f"{speaker.first_name_latin} {speaker.last_name_latin}".strip()
        full = f"{speaker.first_name} {speaker.last_name}".strip()
        parts = [
            latin or full, str(invitation.nationality or ""), invitation.passport_number,
            str(invitation.passport_expiry), str(invitation.arrival_date), str(invitation.departure_date),
            letter.signer_name,
        ]  # fmt: skip
        if hashlib.sha256("\x1f".join(parts).encode()).hexdigest() == letter.fingerprint:
            letter.fingerprint = crypto.fingerprint(*parts, purpose="visa-letter")
            letter.save(update_fields=["fingerprint"])


def decrypt_existing(apps, schema_editor):
    from forum import crypto

    table = _table(apps, schema_editor, "Invitation")
    with schema_editor.connection.cursor() as cursor:
        for column in ENCRYPTED_COLUMNS:
            cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
            for pk, value in cursor.fetchall():
                if crypto.is_encrypted(value):
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [crypto.decrypt(value), pk])  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("speakers", "0004_organizers_permissions_new_models"),
    ]

    operations = [
        migrations.AlterField(
            model_name="invitation",
            name="accessibility_needs",
            field=forum.fields.EncryptedTextField(blank=True, max_length=300, verbose_name="accessibility needs"),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="dietary_needs",
            field=forum.fields.EncryptedTextField(blank=True, max_length=300, verbose_name="dietary needs"),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="passport_number",
            field=forum.fields.EncryptedTextField(blank=True, max_length=40, verbose_name="passport number"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
