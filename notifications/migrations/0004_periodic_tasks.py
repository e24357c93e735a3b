"""Register the periodic jobs of every app with django-celery-beat (idempotent).

The task names are strings: the speakers, registration and organizer apps define those tasks. Running this
again (or after an operator edited a schedule) puts the schedule back and changes nothing else.
"""

from django.db import migrations
from django.utils import timezone

MINUTE = ("minutes", 1)
FIVE_MINUTES = ("minutes", 5)
HOURLY = ("hours", 1)

# (name, task, schedule, expires after seconds): a run that waited longer than a period is
# dropped, the next one comes soon enough and scans the database anyway.
PERIODIC_TASKS = [
    ("Outbox: sweep due and stuck messages", "notifications.tasks.sweep_outbox", MINUTE, 55),
    ("Outbox: organizer digest", "organizer.tasks.send_organizer_digest", ("crontab", "0 8 * * *", "Asia/Baku"), 6 * 3600),
    ("Speakers: invitation reminders", "speakers.tasks.send_invitation_reminders", HOURLY, 3300),
    ("Speakers: day-before reminders", "speakers.tasks.send_day_before_reminders", HOURLY, 3300),
    ("Registration: expire holds", "registration.tasks.expire_holds", MINUTE, 55),
    ("Registration: promote the waitlist", "registration.tasks.promote_waitlist", FIVE_MINUTES, 280),
    ("Registration: day-before reminders", "registration.tasks.send_day_before_reminders", HOURLY, 3300),
]


def register(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, schedule, expires in PERIODIC_TASKS:
        defaults = {"task": task, "enabled": True, "expire_seconds": expires, "interval": None, "crontab": None}
        if schedule[0] == "crontab":
            minute, hour, day_of_month, month_of_year, day_of_week = schedule[1].split()
            defaults["crontab"], _created = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_month=day_of_month,
                month_of_year=month_of_year,
                day_of_week=day_of_week,
                timezone=schedule[2],
            )
        else:
            period, every = schedule
            defaults["interval"], _created = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.update_or_create(name=name, defaults=defaults)
    # Beat re-reads its schedule when this timestamp moves (signals do not fire in migrations).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unregister(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTask.objects.filter(name__in=[name for name, *_rest in PERIODIC_TASKS]).delete()
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_claim_and_dispatch_times"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(register, unregister)]
