"""Signing in to the console: Django's own authentication views on the console's templates.

Only organizers (the Organizers group, or superusers) may sign in here. Password reset mail goes
through the outbox (``services.queue_password_reset``). Lockouts after repeated failures are the
site-wide concern of the authentication backend, not of these views. Asking for a reset link
spends the budgets of every form that emails a link (per client and per address asked for), and
the reset link's page a guessing budget per client (``core.ratelimit``).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core import accounts
from core.decorators import organizer_required
from core.errors import DomainError
from core.permissions import is_organizer
from core.ratelimit import LINK_AGAIN_BY_CLIENT, LINK_AGAIN_BY_EMAIL, Budget, limit
from forum.forms import apply_domain_error

from . import services
from .forms import AccountForm


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


def _speak(response, language):
    """The console in ``language`` from the next page on (the language switcher's cookie)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class SignInView(auth_views.LoginView):
    """Django's sign-in; the console then opens in the language the organizer chose for their
    account (when they chose one)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        language = accounts.preferred_language(form.get_user())
        return _speak(response, language) if language else response


sign_in = SignInView.as_view(
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


@never_cache
@organizer_required(None)
@require_http_methods(["GET", "POST"])
def account(request):
    """The organizer's own settings: the language of the messages they receive (and of the console)."""
    form = AccountForm(request.POST or None, initial={"language": accounts.preferred_language(request.user)})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            accounts.set_preferred_language(user=request.user, language=language)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            shown = language or settings.LANGUAGE_CODE
            translation.activate(shown)  # the confirmation is in the language just chosen
            messages.success(request, gettext("Saved. Your messages will be written in this language."))
            return _speak(redirect("organizer:account"), shown)
    context = {
        "form": form,
        "title": _("My account"),
        "active": "account",
        "submit": _("Save"),
        "cancel_url": reverse_lazy("organizer:editions"),
        "intro": _("Signed in as %(name)s (%(email)s).")
        % {"name": request.user.get_full_name() or request.user.get_username(), "email": request.user.email or "–"},
    }
    return render(request, "organizer/form.html", context, status=400 if form.is_bound else 200)
