from django.urls import path

from . import views

app_name = "speakers"

urlpatterns = [
    path("forums/<slug:slug>/speakers/", views.speaker_list, name="list"),
    path("forums/<slug:slug>/speakers/<int:pk>/", views.speaker_detail, name="detail"),
    path("rsvp/link/", views.link_again, name="link-again"),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("rsvp/<str:token>/schedule.ics", views.rsvp_calendar, name="rsvp-calendar"),
    path("organizer/forums/<slug:slug>/speakers/", views.organizer_speakers, name="organizer"),
    path("organizer/forums/<slug:slug>/speakers/travel.csv", views.organizer_travel_csv, name="organizer-travel-csv"),
    path("organizer/forums/<slug:slug>/speakers/import/", views.organizer_import, name="organizer-import"),
    path("organizer/forums/<slug:slug>/speakers/<int:pk>/", views.organizer_invitation, name="organizer-invitation"),
]
