"""Both settings profiles, checked in fresh interpreters with a controlled environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3y-" + "x9Qz!a7Lm#2Rt$8Vw" * 4,
    "ALLOWED_HOSTS": "forum.example.az",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "FIELD_ENCRYPTION_KEYS": "w6yJ0i0bUQ6oKeG0m3c3e0m6y7S0bH8f1e3rQd0vN2g=",
}


def _run(args, extra_env, tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in _CONFIG_VARS and not key.startswith("DJANGO_")}
    env.update({"VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "config.settings"}, **extra_env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


_CONFIG_VARS = {
    "DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "CACHE_URL", "DEBUG",
    "FIELD_ENCRYPTION_KEYS",
}  # fmt: skip

PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
    "'mode': s.DATABASES['default'].get('OPTIONS', {}).get('transaction_mode'), "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'email': s.EMAIL_BACKEND, 'broker': s.CELERY_BROKER_URL}))"
)


def test_embedded_default_uses_sqlite_immediate_eager_celery_and_file_email(tmp_path):
    import json

    result = _run(["-c", PRINT_SETTINGS], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "debug": True,
        "engine": "django.db.backends.sqlite3",
        "mode": "IMMEDIATE",
        "eager": True,
        "email": "django.core.mail.backends.filebased.EmailBackend",
        "broker": "",
    }


def test_broker_and_database_come_from_the_environment(tmp_path):
    import json

    env = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/forum", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3"}
    result = _run(["-c", PRINT_SETTINGS], env, tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "FIELD_ENCRYPTION_KEYS"])
def test_production_refuses_to_start_without_required_setting(tmp_path, missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = _run(["manage.py", "check"], env, tmp_path)
    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_ENV=production" in result.stderr


def test_production_is_never_in_debug_even_if_asked(tmp_path):
    import json

    result = _run(["-c", PRINT_SETTINGS], {**PRODUCTION_ENV, "DEBUG": "true"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["debug"] is False


def test_check_deploy_is_clean_in_production(tmp_path):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_a_malformed_encryption_key(tmp_path):
    env = {**PRODUCTION_ENV, "FIELD_ENCRYPTION_KEYS": PRODUCTION_ENV["FIELD_ENCRYPTION_KEYS"] + ",not-a-key"}
    result = _run(["manage.py", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS: key 2 is not a Fernet key" in result.stderr
    assert "not-a-key" not in result.stderr


def test_development_derives_a_stable_encryption_key_from_secret_key(tmp_path):
    script = "import django; django.setup(); from django.conf import settings as s; print(s.FIELD_ENCRYPTION_KEYS)"
    first = _run(["-c", script], {"SECRET_KEY": "one-dev-secret"}, tmp_path)
    again = _run(["-c", script], {"SECRET_KEY": "one-dev-secret"}, tmp_path)
    other = _run(["-c", script], {"SECRET_KEY": "another-dev-secret"}, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout != other.stdout


def test_production_sends_the_content_security_and_permissions_policies(tmp_path):
    import json

    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/no-such-page/', secure=True, HTTP_HOST='forum.example.az'); "
        "print(json.dumps({'status': r.status_code, 'csp': r.headers.get('Content-Security-Policy'), "
        "'permissions': r.headers.get('Permissions-Policy')}))"
    )
    result = _run(["-c", script], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["status"] == 404
    csp = dict(part.strip().split(" ", 1) for part in values["csp"].split(";"))
    assert csp["default-src"] == csp["script-src"] == "'self'"
    assert csp["object-src"] == csp["frame-ancestors"] == "'none'"
    assert "camera=(self)" in values["permissions"]
    assert "microphone=()" in values["permissions"]


SHOW_CONNECTION = (
    "import django, json; django.setup(); from django.conf import settings as s; from django.db import connection; "
    "cursor = connection.cursor(); cursor.execute('SHOW statement_timeout'); "
    "print(json.dumps({'timeout': cursor.fetchone()[0], 'max_age': s.DATABASES['default']['CONN_MAX_AGE'], "
    "'health': s.DATABASES['default']['CONN_HEALTH_CHECKS']}))"
)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("extra", "timeout"),
    [({}, "30s"), ({"DATABASE_STATEMENT_TIMEOUT_MS": "5000"}, "5s"), ({"DATABASE_STATEMENT_TIMEOUT_MS": "0"}, "0")],
)
def test_production_connections_are_reused_and_every_statement_has_a_time_limit(tmp_path, extra, timeout):
    """Checked on a real PostgreSQL connection: the server reports the limit the settings chose."""
    import json

    result = _run(["-c", SHOW_CONNECTION], {**PRODUCTION_ENV, **extra}, tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {"timeout": timeout, "max_age": 60, "health": True}


@pytest.mark.postgres
def test_development_on_postgresql_sets_no_statement_limit(tmp_path):
    import json

    result = _run(["-c", SHOW_CONNECTION], {"DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"]}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["timeout"] == "0"
