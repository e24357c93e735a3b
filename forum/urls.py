from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.liveness, name="liveness"),
    path("healthz/ready", views.readiness, name="readiness"),
    path("forums/", views.editions, name="editions"),
    path("forums/<slug:slug>/", views.forum_detail, name="detail"),
]
