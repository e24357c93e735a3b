import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("forum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _request_ids(sender, **kwargs):
    # Task headers carry the id of the request that enqueued them (config/requestid.py).
    import config.requestid  # noqa: F401
