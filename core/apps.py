from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """Rules every app shares (errors, the organizer guard, tokens, CSV cells, private-link
    headers, periodic jobs, background jobs, people's names, accounts' languages). It imports no
    app of the project: its ``Job`` names the edition by ``"forum.Forum"``, and job runners by
    dotted path."""

    name = "core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from .beat import register_after_migrate

        # post_migrate is sent once per app that has models: listening to the beat app's only
        # registers every app's declared periodic jobs once per migrate.
        beat_app = apps.get_app_config("django_celery_beat")
        post_migrate.connect(register_after_migrate, sender=beat_app, dispatch_uid="core.beat")
