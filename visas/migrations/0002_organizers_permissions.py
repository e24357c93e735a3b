from django.db import migrations

from core.permissions import grant_app_permissions_to_organizers


def grant(apps, schema_editor):
    grant_app_permissions_to_organizers(apps, "visas")


class Migration(migrations.Migration):
    dependencies = [("visas", "0001_visa_letters_with_verification")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
