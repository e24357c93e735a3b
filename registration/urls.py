from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("forums/<slug:slug>/register/", views.register, name="register"),
    path("forums/<slug:slug>/register/sent/", views.sent, name="sent"),
    path("forums/<slug:slug>/agenda/star/", views.agenda_star, name="agenda-star"),
    path("forums/<slug:slug>/register/link/", views.link_again, name="link_again"),
    path("registration/confirm/<str:token>/", views.confirm, name="confirm"),
    path("registration/<str:token>/", views.manage, name="manage"),
    path("registration/<str:token>/badge.pdf", views.badge, name="badge"),
    path("registration/<str:token>/calendar.ics", views.calendar, name="calendar"),
    path("registration/<str:token>/cancel/", views.cancel, name="cancel"),
    path("registration/<str:token>/panels/", views.panels, name="panels"),
    path("organizer/forums/<slug:slug>/registrations/", views.organizer_list, name="organizer_list"),
    path("organizer/forums/<slug:slug>/registrations/export.csv", views.organizer_export, name="organizer_export"),
    path("organizer/forums/<slug:slug>/registrations/<int:pk>/", views.organizer_detail, name="organizer_detail"),
    path(
        "organizer/forums/<slug:slug>/registrations/<int:pk>/cancel/",
        views.organizer_cancel,
        name="organizer_cancel",
    ),
    path(
        "organizer/forums/<slug:slug>/registrations/<int:pk>/<slug:action>/",
        views.organizer_registration_action,
        name="organizer_action",
    ),
    path("organizer/forums/<slug:slug>/checkin/", views.organizer_checkin, name="organizer_checkin"),
    path(
        "organizer/forums/<slug:slug>/checkin/rehearsal/<slug:action>/",
        views.organizer_rehearsal,
        name="organizer_rehearsal",
    ),
]
