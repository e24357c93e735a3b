from django.urls import path, re_path

from . import views

app_name = "visas"

urlpatterns = [
    # Short on purpose: it is printed under the QR code. Anything after /v/ reaches the one view,
    # so malformed references get the same answer as unknown ones.
    re_path(r"^v/(?P<code>.*)$", views.verify, name="verify"),
    # The speaker's letter, at the address the English letter had; the second address was the
    # letter step's own before both became one.
    path("rsvp/<str:token>/visa-letter.pdf", views.rsvp_letter, name="rsvp-letter"),
    path("rsvp/<str:token>/visa-support-letter.pdf", views.rsvp_letter, name="rsvp-letter-alias"),
    # The organizers' page of an invitation links here (also the English letter's old address).
    path(
        "organizer/forums/<slug:slug>/speakers/<int:pk>/visa-letter.pdf",
        views.invitation_letter,
        name="invitation-letter",
    ),
    path("organizer/forums/<slug:slug>/visa-letters/", views.desk, name="desk"),
    path("organizer/forums/<slug:slug>/visa-letters/download/", views.bulk_download, name="bulk-download"),
    path("organizer/forums/<slug:slug>/visa-letters/<int:pk>/", views.desk_invitation, name="desk-invitation"),
    path("organizer/forums/<slug:slug>/visa-letters/letter/<int:pk>.pdf", views.letter_pdf, name="letter-pdf"),
    path("organizer/forums/<slug:slug>/visa-letters/letter/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("organizer/visa-files/<path:name>", views.private_file, name="private-file"),
]
