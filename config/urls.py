from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from forum import urls as forum_urls
from organizer import urls as organizer_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("organizer/", include("organizer.urls")),
    # The forum's pages, plus the organizer pages' former names in its namespace.
    path("", include((forum_urls.urlpatterns + organizer_urls.forum_aliases, forum_urls.app_name))),
    path("", include("panels.urls")),
    path("", include("speakers.urls")),
    path("", include("visas.urls")),
    path("", include("registration.urls")),
    path("", include("notifications.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "config.errors.bad_request"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
