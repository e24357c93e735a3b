"""Forms of the registration pages. They only parse input; the rules live in services.py."""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from core.countries import country_choices_with_blank

from .models import Category

STAMP_SALT = "registration.form-started"


def form_stamp(moment=None):
    """The signed time a registration form was shown (``moment``, seconds, for tests)."""
    return signing.dumps(int(time.time() if moment is None else moment), salt=STAMP_SALT)


class RegistrationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)
    organization = forms.CharField(label=_("Organization"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200)
    # Names in the reader's language and alphabetical order, worked out each time the form is shown.
    country = forms.ChoiceField(label=_("Country"), choices=country_choices_with_blank)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices])
    language = forms.ChoiceField(label=_("Language for our emails"), choices=settings.LANGUAGES)
    panels = forms.TypedMultipleChoiceField(
        label=_("Panels of interest (optional)"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=_("I agree to the terms of participation and to the processing of my personal data for this forum."),
        error_messages={
            "required": _("Registration needs your consent to the terms and to the processing of your data.")
        },
    )
    # Honeypot: hidden from people by CSS and aria-hidden; bots that fill every field are caught.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    # When the form was shown, signed: a submission without it, or sooner than a person can fill
    # the form in (REGISTRATION_MIN_FILL_SECONDS), is a bot's.
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, panels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panels"].choices = [(panel.pk, panel.title) for panel in panels]
        if not panels:
            del self.fields["panels"]
        if not self.is_bound:
            self.initial["started"] = form_stamp()

    @property
    def is_bot(self):
        if self.data.get("website"):
            return True
        try:
            started = signing.loads(str(self.data.get("started") or ""), salt=STAMP_SALT)
        except signing.BadSignature:
            return True
        return not isinstance(started, int) or time.time() - started < settings.REGISTRATION_MIN_FILL_SECONDS

    def service_data(self):
        data = dict(self.cleaned_data)
        data.pop("website", None)
        data.pop("started", None)
        data["panel_ids"] = data.pop("panels", [])
        return data


class BadgeCodeForm(forms.Form):
    code = forms.CharField(label=_("Badge code"), max_length=32)


class LinkAgainForm(forms.Form):
    """ "Email me my link again": the address the link goes to, if it is on file."""

    email = forms.EmailField(label=_("Your email address"), max_length=254)
