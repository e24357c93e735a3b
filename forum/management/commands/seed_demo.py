import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app that contributes demo data has a ``demo`` module with ``seed(forum=..., stdout=...)``;
# they run in this order so later steps find what earlier ones made.
DEMO_APPS = ["speakers", "panels", "registration", "notifications"]


class Command(BaseCommand):
    help = "Create the demo forum edition (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        from forum import demo

        with transaction.atomic():
            forum = demo.seed(stdout=self.stdout)
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.seed(forum=forum, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo forum ready at /forums/{forum.slug}/"))
