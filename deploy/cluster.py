"""The production shape on one machine, on loopback: `make cluster` / `make cluster-stop`.

nginx (TLS, deploy/nginx/forum.conf) in front of two gunicorn nodes, two Celery workers and one
beat, on the machine's PostgreSQL and Redis. Pidfiles, logs, the generated nginx configuration and
a self-signed certificate live under var/cluster/ (``CLUSTER_DIR``).

    python -m deploy.cluster start | stop | status
    python -m deploy.cluster restart web1          # any one process by name
    python -m deploy.cluster rolling-restart       # the web nodes one by one, drained first

Environment (defaults in brackets):

* ``CLUSTER_PORT`` [18000]: nginx's HTTPS port; the web nodes listen on the next ports.
* ``CLUSTER_DATABASE_URL`` [postgres://postgres@127.0.0.1:5432/forum_cluster_run]: created and
  migrated when needed.
* ``CLUSTER_BROKER_URL`` [redis://127.0.0.1:6379/11], ``CLUSTER_CACHE_URL`` [redis://127.0.0.1:6379/12].
* ``CLUSTER_EMAIL_URL`` [none: messages are written to var/cluster/mail/].
* ``CLUSTER_PROXY_ADDRESS`` [127.0.0.2]: the loopback address nginx connects to the nodes from,
  the only one in ``TRUSTED_PROXIES``; a client on 127.0.0.1 talking to a node directly is not a proxy.

The tests in tests/cluster/ drive the same class (``Cluster``) to kill and restart its parts.
"""

import contextlib
import json
import os
import pwd
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")

# A fixed loopback-only key pair of secrets: the nodes must share them, nothing else sees them.
LOOPBACK_SECRET_KEY = "loopback-cluster-only-" + "k" * 40
LOOPBACK_FIELD_KEY = "bG9vcGJhY2stY2x1c3Rlci1vbmx5LWtleS0zMmJ5dGU="  # 32 bytes, url-safe base64


def _env_default(name, default):
    return os.environ.get(name) or default


class Cluster:
    web_nodes = ("web1", "web2")
    workers = ("worker1", "worker2")

    def __init__(
        self,
        *,
        directory=None,
        port=None,
        database_url=None,
        broker_url=None,
        cache_url=None,
        email_url=None,
        proxy_address=None,
        extra_env=None,
    ):
        self.dir = Path(directory or _env_default("CLUSTER_DIR", REPO / "var" / "cluster"))
        self.port = int(port or _env_default("CLUSTER_PORT", "18000"))
        self.database_url = database_url or _env_default(
            "CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/forum_cluster_run"
        )
        self.broker_url = broker_url or _env_default("CLUSTER_BROKER_URL", "redis://127.0.0.1:6379/11")
        self.cache_url = cache_url or _env_default("CLUSTER_CACHE_URL", "redis://127.0.0.1:6379/12")
        self.email_url = email_url if email_url is not None else os.environ.get("CLUSTER_EMAIL_URL", "")
        self.proxy_address = proxy_address or _env_default("CLUSTER_PROXY_ADDRESS", "127.0.0.2")
        self.extra_env = dict(extra_env or {})
        self.pids = self.dir / "pids"
        self.logs = self.dir / "logs"
        # Collected static files are the release's, not the run's: kept between runs (collecting
        # and compressing them again takes minutes on a busy machine).
        self.static_root = Path(_env_default("CLUSTER_STATIC_ROOT", REPO / "var" / "cluster-static"))

    # --- addresses ---------------------------------------------------------------------------

    @property
    def url(self):
        return f"https://127.0.0.1:{self.port}"

    def node_port(self, name):
        return self.port + 1 + self.web_nodes.index(name)

    def node_url(self, name):
        return f"http://127.0.0.1:{self.node_port(name)}"

    @property
    def cert(self):
        return self.dir / "tls" / "cert.pem"

    @property
    def media_root(self):
        return self.dir / "media"

    @property
    def private_root(self):
        """Private files (visa letters, signatures): a folder outside MEDIA_ROOT that only nginx's
        internal /_protected/ location serves, on the application's word (X-Accel-Redirect)."""
        return self.dir / "private"

    # --- environment -------------------------------------------------------------------------

    def env(self, name=""):
        env = {key: value for key, value in os.environ.items() if not key.startswith(("CLUSTER_", "PYTEST"))}
        for key in ("CACHE_URL", "EMAIL_URL", "CELERY_BROKER_URL", "DATABASE_URL", "TEST_REDIS_URL"):
            env.pop(key, None)
        env.update(
            DJANGO_ENV="production",
            DJANGO_SETTINGS_MODULE="config.settings",
            PYTHONPATH=str(REPO),
            SECRET_KEY=LOOPBACK_SECRET_KEY,
            FIELD_ENCRYPTION_KEYS=LOOPBACK_FIELD_KEY,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CSRF_TRUSTED_ORIGINS=self.url,
            SITE_URL=self.url,
            DATABASE_URL=self.database_url,
            CONN_MAX_AGE="0",
            CELERY_BROKER_URL=self.broker_url,
            CACHE_URL=self.cache_url,
            TRUSTED_PROXIES=self.proxy_address,
            TRUSTED_PROXY_HEADER="X-Forwarded-For",
            VAR_DIR=str(self.dir / "var"),
            STATIC_ROOT=str(self.static_root),
            MEDIA_ROOT=str(self.media_root),
            PRIVATE_MEDIA_ROOT=str(self.private_root),
            PRIVATE_FILES_ACCEL_PREFIX="/_protected/",
            LOG_FORMAT="json",
            LOG_LEVEL="INFO",
            SECURE_HSTS_SECONDS="0",
            NODE_NAME=name,
        )
        if self.email_url:
            env["EMAIL_URL"] = self.email_url
        env.update(self.extra_env)
        return env

    # --- process table -----------------------------------------------------------------------

    def command(self, name):
        if name in self.web_nodes:
            return [
                str(BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py"), "config.wsgi",
            ], {"GUNICORN_BIND": f"127.0.0.1:{self.node_port(name)}", "WEB_CONCURRENCY": "2"}  # fmt: skip
        if name.startswith("worker"):
            return [
                str(BIN / "celery"), "-A", "config", "worker", "-Q", "mail,celery", "--concurrency=2",
                "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--loglevel=INFO",
            ], {}  # fmt: skip
        if name.startswith("beat"):
            return [
                str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO", "--pidfile=",
                "-s", str(self.dir / "var" / f"{name}-schedule"),
            ], {}  # fmt: skip
        raise ValueError(f"no process called {name!r}")

    def pidfile(self, name):
        return self.pids / f"{name}.pid"

    def log(self, name):
        return self.logs / f"{name}.log"

    def pid(self, name):
        try:
            pid = int(self.pidfile(name).read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return pid

    def running(self):
        names = sorted(path.stem for path in self.pids.glob("*.pid")) if self.pids.exists() else []
        return {name: self.pid(name) for name in names if self.pid(name)}

    # --- one process -------------------------------------------------------------------------

    def start_process(self, name, *, wait=True):
        if self.pid(name):
            return self.pid(name)
        args, extra = self.command(name)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.pids.mkdir(parents=True, exist_ok=True)
        with open(self.log(name), "ab") as log:
            popen = subprocess.Popen(
                args, cwd=REPO, env={**self.env(name), **extra}, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        self.pidfile(name).write_text(f"{popen.pid}\n")
        if wait:
            self.wait_started(name)
        return popen.pid

    def wait_started(self, name, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.pid(name):
                raise RuntimeError(f"{name} exited while starting:\n{self.tail(name)}")
            if name in self.web_nodes and self.ready(name):
                return
            if name.startswith("worker") and " ready." in self.tail(name, 20000):
                return
            if name.startswith("beat") and "beat: Starting" in self.tail(name, 20000):
                return
            time.sleep(0.2)
        readiness = getattr(self, "last_readiness", "") if name in self.web_nodes else ""
        raise RuntimeError(f"{name} did not start within {timeout} s: {readiness}\n{self.tail(name, 1500)}")

    def ready(self, name):
        """The node's own /healthz/ready, straight to gunicorn (the check a rolling restart waits for)."""
        try:
            with urllib.request.urlopen(self.node_url(name) + "/healthz/ready", timeout=2) as answer:
                return answer.status == 200 and json.loads(answer.read())["status"] == "ready"
        except urllib.error.HTTPError as error:
            self.last_readiness = error.read().decode(errors="replace")
            return False
        except OSError as error:
            self.last_readiness = repr(error)
            return False

    def signal(self, name, sig):
        pid = self.pid(name)
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sig)
        return pid

    def kill(self, name):
        """SIGKILL the process and its children: a crash, nothing is cleaned up."""
        pid = self.signal(name, signal.SIGKILL)
        self._wait_gone(pid, 10)
        self.pidfile(name).unlink(missing_ok=True)

    def stop_process(self, name, timeout=40):
        pid = self.signal(name, signal.SIGTERM)
        if pid and not self._wait_gone(pid, timeout):
            self.signal(name, signal.SIGKILL)
            self._wait_gone(pid, 10)
        self.pidfile(name).unlink(missing_ok=True)

    @staticmethod
    def _wait_gone(pid, timeout):
        if not pid:
            return True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reap it when it is our child
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.1)
        return False

    def tail(self, name, size=4000):
        try:
            return self.log(name).read_bytes()[-size:].decode(errors="replace")
        except OSError:
            return ""

    # --- nginx -------------------------------------------------------------------------------

    def nginx_conf(self, down=()):
        servers = "\n".join(
            f"    server 127.0.0.1:{self.node_port(name)} max_fails=1 fail_timeout=3s{' down' if name in down else ''};"
            for name in self.web_nodes
        )
        site = (REPO / "deploy" / "nginx" / "forum.conf").read_text()
        for key, value in {
            "UPSTREAM_SERVERS": servers,
            "LISTEN": f"127.0.0.1:{self.port}",
            "SERVER_NAME": "127.0.0.1 localhost",
            "TLS_CERT": str(self.cert),
            "TLS_KEY": str(self.dir / "tls" / "key.pem"),
            "ACCESS_LOG": str(self.logs / "nginx-access.log"),
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.media_root),
            "PRIVATE_MEDIA_ROOT": str(self.private_root),
            "CLIENT_IP_HEADER": "X-Forwarded-For",
            "PROXY_BIND": f"        proxy_bind {self.proxy_address};",
        }.items():
            site = site.replace(f"@{key}@", value)
        temp = self.dir / "nginx"
        # As root, nginx drops its workers to "nobody", who cannot read the media and private files
        # this user wrote (nor enter a private temporary folder): the workers run as this user.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        return (
            f"{user}worker_processes 1;\n"
            f"pid {self.pidfile('nginx')};\n"
            f"error_log {self.logs / 'nginx-error.log'} warn;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            f"    client_body_temp_path {temp}/body;\n    proxy_temp_path {temp}/proxy;\n"
            f"    fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n"
            f"    scgi_temp_path {temp}/scgi;\n"
            "    sendfile on;\n    server_tokens off;\n"
            f"{site}\n}}\n"
        )

    def write_nginx_conf(self, down=()):
        (self.dir / "nginx").mkdir(parents=True, exist_ok=True)
        path = self.dir / "nginx.conf"
        path.write_text(self.nginx_conf(down))
        subprocess.run([NGINX, "-t", "-q", "-c", str(path)], check=True, capture_output=True)
        return path

    def start_nginx(self):
        if self.pid("nginx"):
            return
        path = self.write_nginx_conf()
        subprocess.run([NGINX, "-c", str(path)], check=True)
        deadline = time.monotonic() + 10
        while not self.pid("nginx") and time.monotonic() < deadline:
            time.sleep(0.1)

    def nginx_workers(self):
        """The pids of nginx's worker processes (the master's children), old ones included."""
        master = self.pid("nginx")
        if not master:
            return set()
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # pid (comm) state ppid ...: comm may hold spaces, so split after its ")".
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == master:
                children.add(int(stat.parent.name))
        return children

    def reload_nginx(self, down=(), *, wait=True, timeout=60):
        """Take nodes out of (or back into) the upstream without dropping a connection.

        ``nginx -s reload`` returns at once: the master then starts workers with the new upstream
        and tells the old ones to finish the requests they hold and exit. With ``wait`` this returns
        only once the old workers are gone, so when it takes a node out no request is still on its
        way to that node (a request an old worker sends after the node stopped listening would be
        lost if it is a POST: nginx never sends a request that reached a node to another one).
        """
        old = self.nginx_workers()
        self.write_nginx_conf(down)
        subprocess.run([NGINX, "-c", str(self.dir / "nginx.conf"), "-s", "reload"], check=True)
        if not wait or not old:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = self.nginx_workers()
            if current and not current & old:
                return
            time.sleep(0.05)
        raise RuntimeError(f"nginx's old workers {sorted(self.nginx_workers() & old)} still run after {timeout} s")

    def stop_nginx(self):
        pid = self.pid("nginx")
        if pid:
            subprocess.run([NGINX, "-c", str(self.dir / "nginx.conf"), "-s", "quit"], check=False)
            deadline = time.monotonic() + 15
            while self.pid("nginx") and time.monotonic() < deadline:
                time.sleep(0.1)
            if self.pid("nginx"):
                os.kill(pid, signal.SIGKILL)
        self.pidfile("nginx").unlink(missing_ok=True)

    # --- the whole -------------------------------------------------------------------------------

    def _certificate(self):
        if self.cert.exists():
            return
        self.cert.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", str(self.dir / "tls" / "key.pem"), "-out", str(self.cert),
            ],
            check=True, capture_output=True,
        )  # fmt: skip

    def _static_is_stale(self):
        manifest = self.static_root / "staticfiles.json"
        if not manifest.exists():
            return True
        sources = [REPO / "requirements.txt", *REPO.glob("*/static/**/*")]
        return max(path.stat().st_mtime for path in sources if path.is_file()) > manifest.stat().st_mtime

    def _database(self):
        import psycopg

        parsed = urlparse(self.database_url)
        name = parsed.path.lstrip("/")
        admin = parsed._replace(path="/postgres", scheme="postgresql").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')

    def manage(self, *args):
        """A one-off manage.py command with the nodes' environment (migrate, collectstatic)."""
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args], cwd=REPO, env=self.env("release"),
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")
        return result.stdout

    def start(self, *, migrate=True):
        """Release steps first (migrate, collectstatic), then nodes, proxy, workers, beat."""
        for path in (self.pids, self.logs, self.dir / "var", self.media_root, self.private_root):
            path.mkdir(parents=True, exist_ok=True)
        self._certificate()
        if migrate:
            self._database()
            self.manage("migrate", "--noinput")
        if self._static_is_stale():
            self.manage("collectstatic", "--noinput", "-v", "0")
        try:
            for name in self.web_nodes:
                self.start_process(name, wait=False)
            for name in self.web_nodes:
                self.wait_started(name)
            self.start_nginx()
            for name in self.workers:
                self.start_process(name, wait=False)
            self.start_process("beat", wait=False)
            for name in (*self.workers, "beat"):
                self.wait_started(name)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """Beat first (no new jobs), then the proxy, the nodes (requests finish), the workers."""
        names = list(self.running())
        for name in sorted(n for n in names if n.startswith("beat")):
            self.stop_process(name)
        self.stop_nginx()
        for name in names:
            if name != "nginx" and not name.startswith("beat"):
                self.signal(name, signal.SIGTERM)
        for name in names:
            if name != "nginx" and not name.startswith("beat"):
                self.stop_process(name)

    def rolling_restart(self, names=None, *, on_step=None):
        """Restart the web nodes one after the other without losing a request
        (docs/deployment.md, "Upgrades without downtime", step 2). For each node:

        1. drain: nginx takes it out of the upstream (``down``) and its old workers finish what
           they were sending it, so nothing new reaches the node;
        2. stop: TERM, gunicorn finishes the requests it holds (``graceful_timeout``) and exits;
        3. start: the new node counts as started once its /healthz/ready answers 200;
        4. back into the upstream (a reload again).

        ``on_step(name, step)`` is called after each step ("drained", "stopped", "started",
        "back") for callers that watch the traffic meanwhile.
        """
        for name in names or self.web_nodes:
            self.reload_nginx(down=(name,))
            if on_step:
                on_step(name, "drained")
            self.stop_process(name)
            if on_step:
                on_step(name, "stopped")
            self.start_process(name)
            if on_step:
                on_step(name, "started")
            self.reload_nginx()
            if on_step:
                on_step(name, "back")

    def status(self):
        running = self.running()
        lines = [f"{name:8} pid {pid}" for name, pid in running.items()]
        if running.get("nginx"):
            lines.append(f"proxy    {self.url}/")
        return "\n".join(lines) or "not running"


def main(argv):
    cluster = Cluster()
    command = argv[0] if argv else "status"
    if command == "start":
        cluster.start()
        print(cluster.status())
        print(f"logs and pidfiles: {cluster.dir}")
    elif command == "stop":
        cluster.stop()
        print("stopped")
    elif command == "status":
        print(cluster.status())
    elif command == "restart" and len(argv) == 2:
        cluster.stop_process(argv[1])
        if argv[1] == "nginx":
            cluster.start_nginx()
        else:
            cluster.start_process(argv[1])
        print(cluster.status())
    elif command == "rolling-restart":
        cluster.rolling_restart(on_step=lambda name, step: print(f"{name}: {step}", flush=True))
        print(cluster.status())
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
