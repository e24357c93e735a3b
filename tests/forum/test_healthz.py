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
