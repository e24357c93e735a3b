"""The English-only letter is gone: every letter is the visas app's bilingual one.

Old code keeps serving while this runs (docs/deployment.md, "add first, remove later"), and it
still writes its letters and their log, so the tables ``speakers_visaletter`` and
``speakers_visaletterlog`` stay with their rows for this release; a later release drops them.
Django forgets the models here. Their foreign keys lose their database constraints first: Django
no longer deletes these rows when an invitation or a user goes, and a constraint would then refuse
that deletion. ``speakers_lettersequence`` is not dropped: visas 0004 takes it over under the same
table, so the numbering carries on without a repeat, for old and new code alike.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("speakers", "0006_availability_moves_to_panels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="visaletter",
            name="invitation",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="visa_letters",
                to="speakers.invitation",
            ),
        ),
        migrations.AlterField(
            model_name="visaletterlog",
            name="letter",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="log",
                to="speakers.visaletter",
            ),
        ),
        migrations.AlterField(
            model_name="visaletterlog",
            name="produced_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="VisaLetterLog"),
                migrations.DeleteModel(name="VisaLetter"),
                migrations.DeleteModel(name="LetterSequence"),
            ]
        ),
    ]
