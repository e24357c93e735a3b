"""The ceilings of the scale benchmark: a bare Django view behind the project's whole middleware
stack (``application``), and a WSGI hello-world with no framework at all (``hello``)."""

import os


def hello(environ, start_response):
    body = b"ok"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _bare_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_settings"
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


class _Lazy:
    """Django is set up in the worker on first use, so ``bench.bare_wsgi:hello`` loads no Django."""

    def __init__(self):
        self._app = None

    def __call__(self, environ, start_response):
        if self._app is None:
            self._app = _bare_django()
        return self._app(environ, start_response)


application = _Lazy()
