"""The public program and schedule.json served by gunicorn, with the program cache off and on.

Needs PostgreSQL and Redis. Environment (defaults in brackets):

* ``BENCH_DATABASE_URL`` or ``DATABASE_URL`` [postgres://postgres@127.0.0.1:5432/forum_bench]:
  created when missing, migrated, and given the demo edition (``seed_demo``, idempotent).
* ``BENCH_CACHE_URL`` [redis://127.0.0.1:6379/6]: the cache of the "on" run; flushed first.
* ``BENCH_SECONDS`` [15]: how long each path is measured in each run (after a short warm-up).
* ``BENCH_CLIENTS`` [8]: concurrent client threads. ``BENCH_WORKERS`` [2]: gunicorn sync workers.

Two runs of gunicorn, one with ``PROGRAM_CACHE_TIMEOUT=0`` (no cache) and one with ``CACHE_URL``
pointing at Redis. Each request is a fresh connection, as from separate visitors, without
conditional headers (every answer is a full 200). The client runs on the same machine as the
server and takes part of its CPU. Results go to ``bench/results/program.json`` and lines in
``bench/results/README.md``.
"""

import datetime
import http.client
import os
import platform
import statistics
import threading
import time

from bench import RESULTS, record
from bench.server import REPO, free_port, serve, setup_django, stop_process_group, wait_for

SERVER_LOG = RESULTS / "tmp" / "program-gunicorn.log"


def _load(port, path, *, seconds, clients):
    """``clients`` threads GET ``path`` back to back for ``seconds``; latencies in ms, errors."""
    latencies, errors, lock = [], [], threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        mine, failed = [], []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", path, headers={"Accept-Language": "en"})
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status != 200:
                    failed.append(response.status)
                    continue
            except (OSError, http.client.HTTPException) as exc:
                failed.append(type(exc).__name__)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1) if latencies else None,
    }


def main():
    database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/forum_bench"
    )
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/6")
    seconds = float(os.environ.get("BENCH_SECONDS", "15"))
    clients = int(os.environ.get("BENCH_CLIENTS", "8"))
    workers = int(os.environ.get("BENCH_WORKERS", "2"))

    base_env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    base_env.pop("CACHE_URL", None)
    setup_django(base_env, keys=("DJANGO_ENV", "DEBUG", "DATABASE_URL", "LOG_LEVEL"))
    import redis
    from django.core.management import call_command
    from django.db import connection

    from forum.demo import DEMO_SLUG
    from forum.models import Forum
    from panels.selectors import public_panels

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    public = public_panels(forum=Forum.objects.get(slug=DEMO_SLUG)).count()
    connection.close()

    paths = {"program": f"/forums/{DEMO_SLUG}/program/", "schedule.json": f"/forums/{DEMO_SLUG}/schedule.json"}
    modes = {
        "off": {"PROGRAM_CACHE_TIMEOUT": "0"},
        "on": {"PROGRAM_CACHE_TIMEOUT": "300", "CACHE_URL": cache_url},
    }
    runs = {}
    for mode, extra in modes.items():
        if "CACHE_URL" in extra:
            redis.Redis.from_url(cache_url).flushdb()
        port = free_port()
        server, log = serve({**base_env, **extra}, port, workers=workers, log_path=SERVER_LOG)
        try:
            wait_for(port, paths["program"], seconds=60, log_path=SERVER_LOG)
            runs[mode] = {}
            for name, path in paths.items():
                _load(port, path, seconds=2, clients=clients)  # warm-up: imports, connections, the cache
                runs[mode][name] = _load(port, path, seconds=seconds, clients=clients)
                print(mode, name, runs[mode][name], flush=True)
        finally:
            stop_process_group(server, log, SERVER_LOG)

    result = {
        "scenario": "program: the demo program page and schedule.json under gunicorn, program cache off and on",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "public_panels": public,
        "gunicorn_workers": workers,
        "clients": clients,
        "seconds_per_path": seconds,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "cache": {"off": "PROGRAM_CACHE_TIMEOUT=0", "on": "CACHE_URL=redis (RedisCache)"},
        "runs": runs,
        "speedup": {
            name: round(runs["on"][name]["requests_per_second"] / runs["off"][name]["requests_per_second"], 1)
            for name in paths
        },
    }
    lines = []
    for name in paths:
        for mode in modes:
            run = runs[mode][name]
            lines.append(
                f"| {result['date'][:10]} | program: {name}, cache {mode} | {public} public panels, gunicorn "
                f"{workers} workers, {clients} clients, {os.cpu_count()} CPUs | {run['requests_per_second']} req/s | "
                f"p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms | "
                f"{run['requests']} answered, {run['errors']} errors |\n"
            )
    record("program.json", result, lines)
    if any(run["errors"] for mode in runs.values() for run in mode.values()):
        raise SystemExit("program benchmark: some requests failed")
    return result


if __name__ == "__main__":
    main()
