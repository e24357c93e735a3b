"""Periodic jobs were registered here for every app. Each app now declares its own in
``<app>/periodic.py``, and every ``migrate`` registers them (``core.beat``), so this
migration does nothing any more; it stays for the migration history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_claim_and_dispatch_times"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
