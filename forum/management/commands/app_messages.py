import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

PROJECT_APPS = ["core", "forum", "panels", "speakers", "visas", "registration", "notifications", "organizer", "api"]


class Command(BaseCommand):
    help = "Update each project app's locale/<lang>/LC_MESSAGES/django.po (makemessages per app)."

    def handle(self, *args, **options):
        root = settings.BASE_DIR
        for app in PROJECT_APPS:
            if not (root / app / "locale").is_dir():
                continue
            os.chdir(root / app)
            try:
                call_command("makemessages", locale=settings.LANGUAGE_CODES, verbosity=0, no_obsolete=True)
            finally:
                os.chdir(root)
            self.stdout.write(f"{app}: messages updated")
