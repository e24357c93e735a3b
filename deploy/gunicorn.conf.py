"""gunicorn settings for a web node (`gunicorn -c deploy/gunicorn.conf.py config.wsgi`).

Every value comes from the environment so the same file serves a host (systemd) and the loopback
cluster. The timeouts match nginx's (deploy/nginx/forum.conf): a request longer than 30 s is
killed here first and nginx answers 504 after 35 s.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# A TERM lets requests in flight finish: a rolling restart loses none of them.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
keepalive = 35  # longer than nginx's upstream keepalive, so nginx closes first
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# nginx writes the access log (with the request id); the application logs its own JSON lines.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = os.environ.get("NODE_NAME", "forum-web")
