"""The project's settings with one URL: a view that touches neither the database nor a template."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
