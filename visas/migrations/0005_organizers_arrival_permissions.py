"""The Organizers group edits the arrival information and sees the letter numbering from the
console now (0002 gave the group the permissions of the models that existed then)."""

from django.db import migrations

from core.permissions import grant_app_permissions_to_organizers


def grant(apps, schema_editor):
    grant_app_permissions_to_organizers(apps, "visas")


class Migration(migrations.Migration):
    dependencies = [("visas", "0004_letter_numbers_from_speakers")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
