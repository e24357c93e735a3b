"""The panels app takes over the speakers' Availability, on its existing table: no row is copied,
no table is renamed. The content type moves with it, so the permissions the Organizers group was
given on it (and any admin log entry) follow."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="speakers", new="panels"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=new, model="availability").exists():
        return
    ContentType.objects.filter(app_label=old, model="availability").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="panels", new="speakers")


class Migration(migrations.Migration):
    dependencies = [
        ("panels", "0011_organizers_info_page_permissions"),
        ("speakers", "0006_availability_moves_to_panels"),
        ("forum", "0002_organizers_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Availability",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("start", models.DateTimeField(verbose_name="from")),
                        ("end", models.DateTimeField(verbose_name="until")),
                        ("forum", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="speaker_availabilities", to="forum.forum")),
                        ("speaker", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="availabilities", to="speakers.speaker")),
                    ],
                    options={
                        "verbose_name": "availability",
                        "verbose_name_plural": "availabilities",
                        "db_table": "speakers_availability",
                        "ordering": ["forum", "speaker", "start"],
                        "indexes": [models.Index(fields=["forum", "speaker"], name="availability_lookup_idx")],
                        "constraints": [models.CheckConstraint(condition=models.Q(("end__gt", models.F("start"))), name="availability_ordered")],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
