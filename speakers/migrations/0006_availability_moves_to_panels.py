"""Availability now belongs to the panels app, with the scheduling rules that read it. Only
Django's idea of where the model lives changes: the table ``speakers_availability`` and its rows
stay as they are (panels 0006 takes the model over under the same table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("speakers", "0005_encrypt_personal_data")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Availability")]),
    ]
