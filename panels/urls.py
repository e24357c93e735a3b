from django.urls import path

from . import views
from .solver import views as proposal_views

app_name = "panels"

urlpatterns = [
    path("forums/<slug:slug>/program/", views.program, name="program"),
    path("forums/<slug:slug>/program/changes/", views.changes, name="changes"),
    path("forums/<slug:slug>/about/<slug:kind>/", views.info_page, name="info"),
    path("forums/<slug:slug>/program/changes.atom", views.changes_feed, name="changes-feed"),
    path("forums/<slug:slug>/panels/<int:panel_id>/", views.panel_detail, name="detail"),
    path("forums/<slug:slug>/panels/<int:panel_id>.ics", views.panel_ics, name="panel-ics"),
    path("forums/<slug:slug>/schedule.ics", views.schedule_ics, name="schedule-ics"),
    path("forums/<slug:slug>/schedule.xml", views.schedule_xml, name="schedule-xml"),
    path("forums/<slug:slug>/schedule.json", views.schedule_json, name="schedule-json"),
    path("forums/<slug:slug>/program.csv", views.program_csv, name="program-csv"),
    path("forums/<slug:slug>/program.pdf", views.program_pdf, name="program-pdf"),
    path("organizer/forums/<slug:slug>/schedule/", views.organizer_schedule, name="organizer-schedule"),
    path("organizer/forums/<slug:slug>/schedule/publish/", views.organizer_publish_all, name="organizer-publish-all"),
    path("organizer/forums/<slug:slug>/schedule/undo/", views.organizer_undo, name="organizer-undo"),
    path("organizer/forums/<slug:slug>/schedule/items/", views.organizer_item_add, name="organizer-item-add"),
    path(
        "organizer/forums/<slug:slug>/schedule/items/<int:item_id>/<slug:action>/",
        views.organizer_item_action,
        name="organizer-item-action",
    ),
    path("organizer/forums/<slug:slug>/schedule/proposals/", proposal_views.proposal_list, name="proposals"),
    path(
        "organizer/forums/<slug:slug>/schedule/proposals/<int:proposal_id>/",
        proposal_views.proposal_detail,
        name="proposal",
    ),
    path(
        "organizer/forums/<slug:slug>/schedule/proposals/<int:proposal_id>/<slug:decision>/",
        proposal_views.proposal_decide,
        name="proposal-decide",
    ),
    path(
        "organizer/forums/<slug:slug>/schedule/panels/<int:panel_id>/<slug:action>/",
        views.organizer_panel_action,
        name="organizer-action",
    ),
]
