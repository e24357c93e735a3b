import time

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_eager_broker_by_default(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["state"] == "ok"
    assert body["broker"] == {"state": "eager"}
    assert body["status"] == "ok"


@pytest.mark.redis
def test_healthz_reports_a_live_redis_broker(client, settings, redis_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    body = client.get("/healthz").json()
    assert body["broker"]["state"] == "ok"
    assert body["status"] == "ok"


def test_healthz_with_redis_down_answers_quickly_without_500(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["broker"]["state"] == "down"
    assert body["status"] == "degraded"
    assert time.monotonic() - started < 5


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readiness_is_ready_with_the_database_migrated(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert body["database"]["state"] == "ok"
    assert body["migrations"] == {"state": "ok"}


def test_readiness_is_503_while_a_migration_is_pending(client, monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    from forum import health

    monkeypatch.setattr(health, "_all_migrated", False)
    latest = MigrationRecorder.Migration.objects.filter(app="forum").order_by("-id").first()
    latest.delete()  # as if the new release's migration had not run yet
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["migrations"]["state"] == "pending"


def test_readiness_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["broker"]["state"] == "down"


def test_readiness_is_503_when_the_shared_cache_is_down(client, settings):
    settings.CACHE_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["cache"]["state"] == "down"


@pytest.mark.redis
def test_readiness_with_live_redis_broker_and_cache_is_ready(client, settings, redis_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    settings.CACHE_URL = redis_url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    body = client.get("/healthz/ready").json()
    assert body["status"] == "ready", body
    assert body["broker"]["state"] == "ok"
    assert body["cache"]["state"] == "ok"
