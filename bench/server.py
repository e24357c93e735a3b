"""What the benchmark scenarios share to run the site: a database to seed, a free port, gunicorn
started in its own session and awaited, and the stop of whatever a scenario started."""

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent


def ensure_database(url):
    """Create the PostgreSQL database of ``url`` when it is missing."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(env, *, keys, drop=("CACHE_URL",)):
    """This process as the servers it measures: ``keys`` of ``env`` in its environment, ``drop``
    out of it (no cache of the developer's), the database created and migrated."""
    os.environ.update({key: env[key] for key in keys})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    for key in drop:
        os.environ.pop(key, None)
    sys.path.insert(0, str(REPO))
    ensure_database(env["DATABASE_URL"])

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command, *, env, log_path):
    """Run ``command`` from the repository in its own session, its output in ``log_path``; returns
    (process, log) for ``stop_process_group``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "wb")  # noqa: SIM115 - closed by stop_process_group
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return process, log


def serve(env, port, *, workers, log_path, app="config.wsgi", backlog=256):
    """gunicorn serving ``app`` on 127.0.0.1:``port`` with ``workers`` sync workers."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        app,
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--backlog", str(backlog)),
    ]
    return start(command, env=env, log_path=log_path)


def wait_for(port, path, *, seconds, log_path, timeout=5):
    """Until GET ``path`` answers 200 (each try waits up to ``timeout``), at most ``seconds``; the
    end of the server's log when it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            connection.request("GET", path)
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer:\n" + log_path.read_text()[-3000:])


def stop_process_group(process, log, log_path):
    """Stop a server or worker started in its own session (TERM, then KILL after 30 s) and remove
    its log."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()
    log_path.unlink(missing_ok=True)
