"""Organizer pages that combine several domains, mounted under /organizer/."""

from django.urls import path

from . import accounts, broadcasts, editing, jobs, letterhead, printing, views

app_name = "organizer"

urlpatterns = [
    # Signing in (the footer of every page links here) and landing on the editions.
    path("login/", accounts.sign_in, name="login"),
    path("logout/", accounts.sign_out, name="logout"),
    path("password-reset/", accounts.password_reset, name="password-reset"),
    path("password-reset/sent/", accounts.password_reset_sent, name="password-reset-sent"),
    path("password-reset/<uidb64>/<token>/", accounts.password_reset_confirm, name="password-reset-confirm"),
    path("password-reset/done/", accounts.password_reset_complete, name="password-reset-complete"),
    path("account/", accounts.account, name="account"),
    path("", editing.editions, name="editions"),
    path("forums/new/", editing.edition_new, name="edition-new"),
    path("forums/<slug:slug>/", views.dashboard, name="dashboard"),
    path("forums/<slug:slug>/edit/", editing.edition_edit, name="edition-edit"),
    path("forums/<slug:slug>/copy/", editing.edition_copy, name="copy"),
    path("forums/<slug:slug>/rooms/", editing.rooms, name="rooms"),
    path("forums/<slug:slug>/rooms/new/", editing.room_new, name="room-new"),
    path("forums/<slug:slug>/rooms/<int:pk>/", editing.room_edit, name="room-edit"),
    path("forums/<slug:slug>/themes/new/", editing.theme_new, name="theme-new"),
    path("forums/<slug:slug>/themes/<int:pk>/", editing.theme_edit, name="theme-edit"),
    path("forums/<slug:slug>/panels/", editing.panels, name="panels"),
    path("forums/<slug:slug>/panels/new/", editing.panel_new, name="panel-new"),
    path("forums/<slug:slug>/panels/<int:pk>/", editing.panel_edit, name="panel-edit"),
    path("forums/<slug:slug>/people/", editing.speakers, name="speakers"),
    path("forums/<slug:slug>/people/new/", editing.speaker_new, name="speaker-new"),
    path("forums/<slug:slug>/people/<int:speaker_id>/", editing.speaker_edit, name="speaker-edit"),
    path("forums/<slug:slug>/people/<int:speaker_id>/invitation/", editing.speaker_invite, name="speaker-invite"),
    path("forums/<slug:slug>/letters-setup/", letterhead.setup, name="letters-setup"),
    path("forums/<slug:slug>/letters-setup/organization/", letterhead.organization, name="letters-organization"),
    path("forums/<slug:slug>/letters-setup/signatories/new/", letterhead.signatory_new, name="letters-signatory-new"),
    path("forums/<slug:slug>/letters-setup/signatories/<int:pk>/", letterhead.signatory_edit, name="letters-signatory"),
    path("forums/<slug:slug>/letters-setup/arrival/", letterhead.arrival, name="letters-arrival"),
    path("forums/<slug:slug>/messages/", broadcasts.messages_page, name="messages"),
    path("forums/<slug:slug>/reports/", views.reports, name="reports"),
    path("forums/<slug:slug>/print/door-list/", printing.door_list, name="print-door-list"),
    path("forums/<slug:slug>/print/program/", printing.program, name="print-program"),
    path("forums/<slug:slug>/print/", printing.printing, name="printing"),
    # Background jobs (core/jobs.py): the list, one job's progress and result, its file.
    path("forums/<slug:slug>/jobs/", jobs.job_list, name="jobs"),
    path("forums/<slug:slug>/jobs/<int:pk>/", jobs.job_page, name="job"),
    path("forums/<slug:slug>/jobs/<int:pk>/status/", jobs.job_status, name="job-status"),
    path("forums/<slug:slug>/jobs/<int:pk>/file/", jobs.job_file, name="job-file"),
]

# The names these pages had in the forum app, kept so existing links still reverse
# (``forum:organizer-dashboard``, ``forum:organizer-copy``); config/urls.py adds them.
forum_aliases = [
    path("organizer/forums/<slug:slug>/", views.dashboard, name="organizer-dashboard"),
    path("organizer/forums/<slug:slug>/copy/", editing.edition_copy, name="organizer-copy"),
]
