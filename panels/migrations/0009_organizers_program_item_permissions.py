from django.db import migrations

from core.permissions import grant_app_permissions_to_organizers


def grant(apps, schema_editor):
    grant_app_permissions_to_organizers(apps, "panels")


class Migration(migrations.Migration):
    dependencies = [
        ("panels", "0008_program_items"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
