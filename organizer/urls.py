"""Organizer pages that combine several domains, mounted under /organizer/."""

from django.urls import path

from . import views

app_name = "organizer"

urlpatterns = [
    path("forums/<slug:slug>/", views.dashboard, name="dashboard"),
    path("forums/<slug:slug>/copy/", views.copy_edition, name="copy"),
]

# The names these pages had in the forum app, kept so existing links still reverse
# (``forum:organizer-dashboard``, ``forum:organizer-copy``); config/urls.py adds them.
forum_aliases = [
    path("organizer/forums/<slug:slug>/", views.dashboard, name="organizer-dashboard"),
    path("organizer/forums/<slug:slug>/copy/", views.copy_edition, name="organizer-copy"),
]
