"""API routing glue: each app's api.py exposes ``register(router)``; this module collects them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from forum import api as forum_api
from notifications import api as notifications_api
from panels import api as panels_api
from registration import api as registration_api
from speakers import api as speakers_api

from .views import TokenLoginView

router = DefaultRouter()
for module in (forum_api, panels_api, speakers_api, registration_api, notifications_api):
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
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
