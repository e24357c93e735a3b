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


def cache_state():
    """The shared cache (Redis when ``CACHE_URL`` is set): rate limits and the program live there."""
    from django.core.cache import cache

    if not settings.CACHE_URL:
        return {"state": "local"}
    try:
        cache.set("healthz:ready", "1", timeout=5)
        if cache.get("healthz:ready") != "1":
            return {"state": "down", "error": "ReadBack"}
    except Exception as exc:  # unreachable or refusing: the node must not take traffic
        return {"state": "down", "error": exc.__class__.__name__}
    return {"state": "ok"}


_all_migrated = False


def migrations_state():
    """Whether every migration this code knows is applied. Once true it stays true for the process
    (migrations run before new code starts), so the migration graph is read only until then."""
    global _all_migrated
    if _all_migrated:
        return {"state": "ok"}
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # the database is down: database_state says so too
        return {"state": "unknown", "error": exc.__class__.__name__}
    if pending:
        return {"state": "pending", "pending": len(pending)}
    _all_migrated = True
    return {"state": "ok"}


def readiness():
    """(ready, body): a node is ready for traffic when the database answers with every migration
    applied and the Redis it uses (broker, cache) answers."""
    checks = {
        "database": database_state(),
        "migrations": migrations_state(),
        "broker": broker_state(),
        "cache": cache_state(),
    }
    ready = all(check["state"] in {"ok", "eager", "local"} for check in checks.values())
    return ready, {"status": "ready" if ready else "not ready", **checks}
