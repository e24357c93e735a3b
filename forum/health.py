"""Liveness and dependency state for load balancers and operators."""

from django.conf import settings
from django.db import connection
from kombu import Connection


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the database is unusable
        return {"state": "down", "error": exc.__class__.__name__}
    return {"state": "ok", "vendor": connection.vendor}


def broker_state():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"state": "eager"}
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=1,
            transport_options={"socket_connect_timeout": 1, "socket_timeout": 1, "max_retries": 0},
        ) as conn:
            conn.ensure_connection(max_retries=0, timeout=1)
            if conn.transport_cls == "redis" or conn.transport.driver_type == "redis":
                conn.default_channel.client.ping()
    except Exception as exc:  # unreachable, refused, auth failure: all mean "down"
        return {"state": "down", "error": exc.__class__.__name__}
    return {"state": "ok"}
