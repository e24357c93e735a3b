"""Every public page and export of a 500-panel forum under gunicorn, measured with wrk.

Needs PostgreSQL, Redis and wrk (``make bench`` installs wrk from Debian). Environment
(defaults in brackets):

* ``BENCH_DATABASE_URL`` [postgres://postgres@127.0.0.1:5432/forum_bench_scale]: created when
  missing, migrated, seeded by ``bench.scale_dataset`` (idempotent), then ANALYZEd.
* ``BENCH_SCALE_PANELS`` [500]: comma-separated program sizes, e.g. ``50,500,2000`` for the curve.
* ``BENCH_REGISTRATIONS`` [20000], ``BENCH_CACHE_URL`` [redis://127.0.0.1:6379/6] (flushed),
  ``BENCH_SECONDS`` [10] per URL and mode, ``BENCH_CONNECTIONS`` [32], ``BENCH_WORKERS`` [5].

For each size, gunicorn serves the production profile (``DJANGO_ENV=production``, DEBUG off)
twice: with no program cache (``PROGRAM_CACHE_TIMEOUT=0``: every answer rendered from the
database) and with the Redis cache (warmed by the first request). The same gunicorn also serves a
bare Django view behind the whole middleware stack, and a WSGI hello-world is measured alone: the
ceilings the cached answers are compared with. Queries and bytes per URL are counted in-process
with Django's test client. Results: ``bench/results/scale.json`` and ``bench/results/scale.md``.
"""

import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys

from bench import RESULTS
from bench.server import REPO, free_port, serve, setup_django, stop_process_group, wait_for

SERVER_LOG = RESULTS / "tmp" / "scale-gunicorn.log"
BARE_PATH = "/bench-bare/"


def _urls(forum, panel_id):
    base = f"/forums/{forum.slug}"
    return {
        "program page": f"{base}/program/",
        "panel page": f"{base}/panels/{panel_id}/",
        "speakers page": f"{base}/speakers/",
        "schedule.xml": f"{base}/schedule.xml",
        "schedule.json": f"{base}/schedule.json",
        "schedule.ics": f"{base}/schedule.ics",
        "program.csv": f"{base}/program.csv",
    }


def _wrk(port, path, *, seconds, connections):
    """wrk's throughput and latency percentiles for GET ``path`` (2 threads, keep-alive)."""
    command = [
        "wrk",
        "--latency",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{int(seconds)}s",
        "--timeout",
        "30s",
        "-H",
        "Accept-Language: en",
        f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return _parse_wrk(output)


def _ms(value, unit):
    return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)


def _parse_wrk(output):
    result = {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percentile in ("50", "99"):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        result[f"p{percentile}_ms"] = _ms(*match.groups()) if match else None
    requests = re.search(r"(\d+) requests in", output)
    result["requests"] = int(requests.group(1)) if requests else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result["errors"] = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in errors.groups()) if errors else 0
    )
    if not result["requests"]:
        result["errors"] += 1  # not one answer in the whole run is a failure, not a zero
    return result


def _queries_and_bytes(urls):
    """Per URL, the queries and bytes of one uncached answer (test client, in-process)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    counts = {}
    with override_settings(PROGRAM_CACHE_TIMEOUT=0):
        for name, path in urls.items():
            client.get(path)  # imports and translations loaded before counting
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            counts[name] = {"queries": len(queries), "bytes": len(response.content)}
    return counts


def _environment(database_url):
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(REPO),
        "LOG_LEVEL": "WARNING",
    }


def _measure_size(panels, env, *, cache_url, seconds, connections, workers, out):
    import redis

    from bench.scale_dataset import seed_scale
    from panels.models import Panel

    forum = seed_scale(panels=panels, registrations=int(os.environ.get("BENCH_REGISTRATIONS", "20000")), out=out)
    panel_id = Panel.objects.filter(forum=forum, status=Panel.Status.PUBLISHED).order_by("start", "id").first().pk
    urls = _urls(forum, panel_id)
    counts = _queries_and_bytes(urls)
    modes = {
        "cold": {"PROGRAM_CACHE_TIMEOUT": "0"},
        "cached": {"PROGRAM_CACHE_TIMEOUT": "300", "CACHE_URL": cache_url},
    }
    runs = {name: {**counts[name]} for name in urls}
    for mode, extra in modes.items():
        if "CACHE_URL" in extra:
            redis.Redis.from_url(cache_url).flushdb()
        port = free_port()
        server, log = serve({**env, **extra}, port, workers=workers, log_path=SERVER_LOG, backlog=2048)
        try:
            wait_for(port, urls["program page"], seconds=120, log_path=SERVER_LOG, timeout=60)
            for name, path in urls.items():
                _wrk(port, path, seconds=2, connections=4)  # warm-up: workers, connections, the cache
                runs[name][mode] = _wrk(port, path, seconds=seconds, connections=connections)
                out(f"{panels} panels, {mode:6} {name:14} {runs[name][mode]}")
        finally:
            stop_process_group(server, log, SERVER_LOG)
    return forum, runs


def _ceilings(env, *, seconds, connections, workers, out):
    """The bare Django view (whole middleware stack) and a WSGI hello-world under the same gunicorn."""
    ceilings = {}
    for name, app, extra in (
        ("bare Django view", "bench.bare_wsgi:application", {}),
        ("WSGI hello-world", "bench.bare_wsgi:hello", {}),
    ):
        port = free_port()
        server, log = serve({**env, **extra}, port, workers=workers, log_path=SERVER_LOG, app=app, backlog=2048)
        try:
            wait_for(port, BARE_PATH, seconds=60, log_path=SERVER_LOG, timeout=60)
            _wrk(port, BARE_PATH, seconds=2, connections=4)
            ceilings[name] = _wrk(port, BARE_PATH, seconds=seconds, connections=connections)
            out(f"{name:16} {ceilings[name]}")
        finally:
            stop_process_group(server, log, SERVER_LOG)
    return ceilings


def _table(result):
    lines = [
        "# Scale benchmark",
        "",
        f"Run {result['date']} on {result['cpu_count']} CPUs, Python {result['python']}, gunicorn "
        f"{result['gunicorn_workers']} sync workers (production profile, DEBUG off), PostgreSQL and Redis on "
        f"the same machine, wrk with {result['connections']} connections for {result['seconds']} s per URL "
        "and mode. `cold`: no program cache, every answer rendered from the database; `cached`: Redis cache.",
        "",
        "Reproduce: `make bench BENCH=scale` (`BENCH_SCALE_PANELS=50,500,2000` for the curve).",
        "",
    ]
    for name, run in result["ceilings"].items():
        lines.append(f"- {name}: {run['requests_per_second']} req/s, p50 {run['p50_ms']} ms, p99 {run['p99_ms']} ms")
    hello = result["ceilings"]["WSGI hello-world"]["requests_per_second"]
    for size in result["sizes"]:
        lines += [
            "",
            f"## {size['panels']} panels ({size['rooms']} rooms, {size['speakers']} speakers, "
            f"{size['registrations']} registrations)",
            "",
            "| URL | queries | bytes | cold req/s | cold p50 / p99 ms | cached req/s | cached p50 / p99 ms "
            "| cached / hello-world |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, run in size["urls"].items():
            cold, cached = run["cold"], run["cached"]
            lines.append(
                f"| {name} | {run['queries']} | {run['bytes']:,} | {cold['requests_per_second']} | "
                f"{cold['p50_ms']} / {cold['p99_ms']} | {cached['requests_per_second']} | "
                f"{cached['p50_ms']} / {cached['p99_ms']} | {cached['requests_per_second'] / hello:.1%} |"
            )
    return "\n".join(lines) + "\n"


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench` installs it from Debian (apt-get install wrk)")
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/forum_bench_scale")
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/6")
    sizes = [int(n) for n in os.environ.get("BENCH_SCALE_PANELS", "500").split(",")]
    seconds = float(os.environ.get("BENCH_SECONDS", "10"))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "32"))
    workers = int(os.environ.get("BENCH_WORKERS", "5"))

    env = _environment(database_url)
    setup_django(env, keys=("DATABASE_URL", "LOG_LEVEL"))
    from django.db import connection

    # The production profile serves hashed static names from the manifest collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True
    )
    out = print
    result = {
        "scenario": "scale: every public page and export at 500 panels, cold and cached, with wrk",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "gunicorn_workers": workers,
        "connections": connections,
        "seconds": seconds,
        "sizes": [],
    }
    for panels in sizes:
        forum, runs = _measure_size(
            panels, env, cache_url=cache_url, seconds=seconds, connections=connections, workers=workers, out=out
        )
        result["sizes"].append(
            {
                "panels": panels,
                "rooms": forum.rooms.count(),
                "speakers": forum.invitations.count(),
                "registrations": forum.registrations.count(),
                "urls": runs,
            }
        )
        connection.close()
    result["ceilings"] = _ceilings(env, seconds=seconds, connections=connections, workers=workers, out=out)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "scale.md").write_text(_table(result))
    print(_table(result))
    failed = [
        (size["panels"], name, mode)
        for size in result["sizes"]
        for name, run in size["urls"].items()
        for mode in ("cold", "cached")
        if run[mode]["errors"]
    ]
    if failed:
        raise SystemExit(f"scale benchmark: non-2xx answers or socket errors in {failed}")
    return result


if __name__ == "__main__":
    main()
