"""The daily digest's task now lives in the organizer app: point its schedule there."""

from django.db import migrations
from django.utils import timezone

OLD, NEW = "notifications.tasks.send_organizer_digest", "organizer.tasks.send_organizer_digest"


def _point(apps, source, target):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(task=source).update(task=target):
        # Beat re-reads its schedule when this timestamp moves (signals do not fire in migrations).
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def forward(apps, schema_editor):
    _point(apps, OLD, NEW)


def backward(apps, schema_editor):
    _point(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_periodic_tasks")]

    operations = [migrations.RunPython(forward, backward)]
