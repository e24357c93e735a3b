from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from .models import Payer, VisaApplicant


class CoverageForm(forms.Form):
    travel = forms.ChoiceField(label=_("Travel paid by"), choices=Payer.choices)
    accommodation = forms.ChoiceField(label=_("Accommodation paid by"), choices=Payer.choices)
    meals = forms.ChoiceField(label=_("Meals paid by"), choices=Payer.choices)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ApplicantForm(forms.Form):
    """The passport data a letter needs; the rules live in visas/rules.py (the service checks them).
    Prefixed: the travel step on the same page has fields of the same names."""

    prefix = "visa"

    surname = forms.CharField(
        label=_("Surname as in the passport"),
        max_length=100,
        required=False,
        help_text=_("Latin letters, exactly as printed in the passport, without titles."),
    )
    given_names = forms.CharField(label=_("Given names as in the passport"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100, required=False)
    sex = forms.ChoiceField(
        label=_("Sex as in the passport (optional)"), choices=VisaApplicant.Sex.choices, required=False
    )
    nationality = LazyTypedChoiceField(label=_("Nationality"), choices=[("", "—"), *countries], required=False)
    passport_number = forms.CharField(label=_("Passport number"), max_length=30, required=False)
    passport_issued_on = forms.DateField(label=_("Passport issue date"), required=False, widget=DateInput())
    passport_expires_on = forms.DateField(label=_("Passport expiry date"), required=False, widget=DateInput())
    passport_authority = forms.CharField(label=_("Issuing authority"), max_length=150, required=False)
    arrival_date = forms.DateField(label=_("Entry date"), required=False, widget=DateInput())
    departure_date = forms.DateField(label=_("Exit date"), required=False, widget=DateInput())
    consulate_country = LazyTypedChoiceField(
        label=_("Country where you apply for the visa"), choices=[("", "—"), *countries], required=False
    )
    consulate_city = forms.CharField(
        label=_("City of the embassy or consulate (if not the capital)"), max_length=100, required=False
    )
