from django.db import migrations

from core.permissions import grant_app_permissions_to_organizers


def grant(apps, schema_editor):
    grant_app_permissions_to_organizers(apps, "speakers")


class Migration(migrations.Migration):
    dependencies = [("speakers", "0003_invitations_availability_letters")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
