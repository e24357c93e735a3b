"""Signing in to the console: Django's own authentication views on the console's templates.

Only organizers (the Organizers group, or superusers) may sign in here. Password reset mail goes
through the outbox (``services.queue_password_reset``). Lockouts after repeated failures are the
site-wide concern of the authentication backend, not of these views. Asking for a reset link
spends the budgets of every form that emails a link (per client and per address asked for), and
the reset link's page a guessing budget per client (``core.ratelimit``).
"""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.permissions import is_organizer
from core.ratelimit import LINK_AGAIN_BY_CLIENT, LINK_AGAIN_BY_EMAIL, Budget, limit

from . import services


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "not_organizer": _("This account is not an organizer's account."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_organizer(user):
            raise auth_forms.ValidationError(self.error_messages["not_organizer"], code="not_organizer")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form (it says the same whether or not the address is known), with the mail queued
    in the outbox instead of sent from the web request."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if is_organizer(user))

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        services.queue_password_reset(user=context["user"], language=get_language())


sign_in = auth_views.LoginView.as_view(
    template_name="organizer/auth/sign_in.html", authentication_form=SignInForm, redirect_authenticated_user=True
)
sign_out = auth_views.LogoutView.as_view(next_page=reverse_lazy("organizer:login"))
RESET_LINK = Budget("password-reset-link", setting="PASSWORD_RESET_LINK_RATE")

password_reset = limit(LINK_AGAIN_BY_CLIENT, LINK_AGAIN_BY_EMAIL, methods={"POST"})(
    auth_views.PasswordResetView.as_view(
        template_name="organizer/auth/password_reset.html",
        form_class=PasswordResetForm,
        success_url=reverse_lazy("organizer:password-reset-sent"),
    )
)
password_reset_sent = auth_views.PasswordResetDoneView.as_view(template_name="organizer/auth/password_reset_sent.html")
password_reset_confirm = limit(RESET_LINK)(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="organizer/auth/password_reset_confirm.html",
        success_url=reverse_lazy("organizer:password-reset-complete"),
    )
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="organizer/auth/password_reset_complete.html"
)
