"""API routing glue: each app's api.py exposes ``register(router)``; this module collects them."""

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from forum import api as forum_api
from notifications import api as notifications_api
from panels import api as panels_api
from registration import api as registration_api
from speakers import api as speakers_api
from visas import api as visas_api

from .views import TokenLoginView

# Hashes of the <style> elements that the Redoc bundle of drf-spectacular-sidecar (pinned in
# requirements.txt) inserts as it loads: an empty one, and perfect-scrollbar's stylesheet. A new
# sidecar may change them: tests/e2e/test_csp.py then fails with Chromium's message naming the hash.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]


class ForumRouter(DefaultRouter):
    """A record addressed by its id has a path of ASCII digits only: anything else ("1.5", "١٢",
    "abc") names no route and is the same 404 as an id that exists nowhere. Viewsets that address
    records otherwise (a slug, a token) name their own ``lookup_value_regex``."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if getattr(viewset, "lookup_value_regex", None) is None and getattr(viewset, "lookup_field", "pk") in {
            "pk",
            "id",
        }:
            lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
            return f"(?P<{lookup_prefix}{lookup_url_kwarg}>[0-9]+)"
        return super().get_lookup_regex(viewset, lookup_prefix)


# No `.json`/`.api` format-suffix variants of the routes: every operation has one URL, the one the
# schema documents (the format is negotiated, or chosen with ?format=).
router = ForumRouter()
router.include_format_suffixes = False
# visas before speakers: it adds actions under speakers' prefixes (organizer/invitations, rsvp), and
# the API root lists each prefix under the basename registered last (speakers' lists).
for module in (forum_api, panels_api, visas_api, speakers_api, registration_api, notifications_api):
    module.register(router)

v1_patterns = [path("auth/token/", TokenLoginView.as_view(), name="token-login"), *router.urls]

urlpatterns = [
    path("v1/", include((v1_patterns, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from /api/docs/?script= instead of inline,
    # so the page runs under the site's Content-Security-Policy unchanged.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="swagger-ui",
    ),
    # Redoc builds its CSS at run time. The <style> elements it makes once started carry the
    # request's nonce (handed over by api/static/api/redoc-init.js); two are inserted while its
    # bundle loads, before it has the nonce, and are allowed by their hashes (see REDOC_STYLE_HASHES).
    # Its search index runs in a Worker made from a blob: URL. These additions hold on this page
    # only; scripts stay 'self' as everywhere else. Its footer's logo from Redocly's CDN stays
    # refused: the docs make no request to another site.
    path(
        "redoc/",
        csp_update({"style-src-elem": [NONCE, *REDOC_STYLE_HASHES], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
]
