"""Re-encrypt every encrypted value under the first key of FIELD_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand

from forum.services import rotate_encrypted_fields


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data under the first key of FIELD_ENCRYPTION_KEYS. Rotate a key by listing "
        "the new key first, running this, then removing the old key."
    )

    def handle(self, *args, **options):
        counts = rotate_encrypted_fields()
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} value(s) re-encrypted")
        self.stdout.write(self.style.SUCCESS("Every encrypted value now uses the first key."))
