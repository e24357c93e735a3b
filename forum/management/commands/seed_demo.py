import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

# Each step is an app's ``demo`` module and a function taking ``forum=`` and ``stdout=``; they run in
# this order so later steps find what earlier ones made (invitations are linked to the panels that
# seat their speakers once both exist).
DEMO_STEPS = [
    ("speakers", "seed"),
    ("panels", "seed"),
    ("speakers", "link_panels"),
    ("visas", "seed"),
    ("registration", "seed"),
    ("notifications", "seed"),
]


class Command(BaseCommand):
    help = "Create the demo forum edition (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        from forum import demo

        with transaction.atomic():
            forum = demo.seed(stdout=self.stdout)
            for app, step in DEMO_STEPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                getattr(module, step)(forum=forum, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo forum ready at {settings.SITE_URL}{forum.get_absolute_url()}"))
