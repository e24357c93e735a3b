from django.core.management.base import BaseCommand, CommandError

from forum.models import Forum
from registration import services
from registration.errors import RegistrationError


class Command(BaseCommand):
    help = "Erase the personal data of an ended edition's registrations, keeping the counts."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="slug of the forum edition")

    def handle(self, *args, slug, **options):
        forum = Forum.objects.filter(slug=slug).first()
        if forum is None:
            raise CommandError(f"No forum edition with the slug {slug!r}.")
        try:
            count = services.anonymize_registrations(forum=forum)
        except RegistrationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"Anonymized {count} registrations of {forum.slug}."))
