from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("organizer/outbox/", views.outbox, name="outbox"),
    path("organizer/outbox/<int:pk>/resend/", views.outbox_action, {"action": "resend"}, name="outbox-resend"),
    path("organizer/outbox/<int:pk>/cancel/", views.outbox_action, {"action": "cancel"}, name="outbox-cancel"),
]
