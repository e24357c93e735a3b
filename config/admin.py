"""The Django admin is kept for superusers. Organizers work in the console (/organizer/): a staff
account without superuser rights that reaches /admin/ gets a page (403) that sends it there, and
one that signs in on the admin's login page lands in the console."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

CONSOLE = "organizer:editions"


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def console_only(self, request):
        """The friendly refusal: what the admin is for, and the way to the console."""
        return TemplateResponse(request, "organizer/admin_refused.html", {"console_url": reverse(CONSOLE)}, status=403)

    def _refused(self, request):
        return request.user.is_authenticated and not self.has_permission(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if self._refused(request) and request.path != reverse("admin:logout", current_app=self.name):
                return self.console_only(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        if request.method != "POST" and self._refused(request):
            return self.console_only(request)
        response = super().login(request, extra_context)
        if request.method == "POST" and self._refused(request):
            # An organizer signed in on the admin's page: their work is in the console.
            return redirect(CONSOLE)
        return response


class SuperuserAdminConfig(AdminConfig):
    default_site = "config.admin.SuperuserAdminSite"
