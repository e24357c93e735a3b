"""Retiring the English letters (speakers 0007, visas 0004) on a database that has them: the
numbering carries on in the same table, the old rows stay for the release that drops them, and
an invitation or a user they point at can still be deleted."""

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from deploy.migration_safety import problems_in_sql
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("speakers", "0006_availability_moves_to_panels"), ("visas", "0003_arrival_information_for_speakers")]
AFTER = [("speakers", "0007_english_letters_retire"), ("visas", "0004_letter_numbers_from_speakers")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def test_old_letters_stay_numbering_continues_and_deleting_still_works(settings, tmp_path):
    from speakers.models import Invitation
    from visas import services
    from visas.models import LetterSequence

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    invitation = InvitationFactory()
    user = UserFactory()
    user.save()
    try:
        old = _migrate(BEFORE)
        OldLetter, OldLog = old.get_model("speakers", "VisaLetter"), old.get_model("speakers", "VisaLetterLog")
        old.get_model("speakers", "LetterSequence").objects.create(year=2031, last_number=41)
        letter = OldLetter.objects.create(
            invitation_id=invitation.pk, reference="NCF-2031-0041", year=2031, number=41, fingerprint="x",
            signer_name="Organizing Committee",
        )  # fmt: skip
        OldLog.objects.create(letter=letter, channel="email", produced_by_id=user.pk)

        # Forward, back (the way back restores the constraints) and forward again.
        _migrate(AFTER)
        _migrate(BEFORE)
        _migrate(AFTER)

        assert LetterSequence.objects.get(year=2031).last_number == 41
        with transaction.atomic():
            assert services._next_number(2031) == 42  # the next reference follows the English letters'
        assert _count("speakers_visaletter") == 1 and _count("speakers_visaletterlog") == 1

        # Django no longer deletes these rows; no constraint refuses the deletions they point at.
        Invitation.objects.filter(pk=invitation.pk).delete()
        type(user).objects.filter(pk=user.pk).delete()
    finally:
        _migrate(AFTER)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM speakers_visaletterlog")
            cursor.execute("DELETE FROM speakers_visaletter")


def test_the_retiring_migrations_lock_no_large_table():
    from io import StringIO

    from django.core.management import call_command

    for app, name in AFTER:
        out = StringIO()
        call_command("sqlmigrate", app, name, stdout=out, no_color=True)
        assert problems_in_sql(out.getvalue()) == []
        assert "DROP TABLE" not in out.getvalue().upper()  # the old code still reads them during the deploy
