"""Periodic jobs: each app declares its own in ``<app>/periodic.py`` (``PERIODIC_TASKS``), and
every ``migrate`` registers them with django-celery-beat (idempotent).

A declaration is ``(name, task, schedule, expires after seconds)``; ``schedule`` is
``("minutes" | "hours", every)`` or ``("crontab", "m h dom mon dow", time zone)``. A run that
waited longer than its period is dropped: the next one comes soon enough and scans anyway.
Registering again (or after an operator edited a schedule) puts the schedule back and changes
nothing else.
"""

import importlib

from django.apps import apps as global_apps
from django.utils import timezone


def declared_tasks():
    """Every installed app's declarations, in app order."""
    tasks = []
    for config in global_apps.get_app_configs():
        name = f"{config.name}.periodic"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        tasks.extend(module.PERIODIC_TASKS)
    return tasks


def register(tasks=None):
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask, PeriodicTasks

    for name, task, schedule, expires in declared_tasks() if tasks is None else tasks:
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
    # Beat re-reads its schedule when this timestamp moves.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def register_after_migrate(sender, using, plan=None, **kwargs):
    """``post_migrate`` receiver: a forward migrate registers every declared job."""
    if plan and all(backwards for _migration, backwards in plan):
        return
    register()
