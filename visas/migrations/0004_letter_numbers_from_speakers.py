"""The visas app takes over the letter numbering on its existing table (``speakers_lettersequence``):
no row is copied, no table renamed, so the next reference follows the last one whichever letter
took it. The content type moves with the model, so the Organizers' permissions on it follow."""

from django.db import migrations, models


def move_content_type(apps, schema_editor, old="speakers", new="visas"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=new, model="lettersequence").exists():
        return
    ContentType.objects.filter(app_label=old, model="lettersequence").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="visas", new="speakers")


class Migration(migrations.Migration):
    dependencies = [
        ("visas", "0003_arrival_information_for_speakers"),
        ("speakers", "0007_english_letters_retire"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LetterSequence",
                    fields=[
                        ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                        ("last_number", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "verbose_name": "letter number sequence",
                        "verbose_name_plural": "letter number sequences",
                        "db_table": "speakers_lettersequence",
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
