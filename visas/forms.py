from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import passports
from core.countries import country_choices_with_blank
from forum.forms import DateInput, add_translated_fields, translated_initial, translated_values

from .models import InvitingOrganization, Payer, VisaApplicant


class CoverageForm(forms.Form):
    travel = forms.ChoiceField(label=_("Travel paid by"), choices=Payer.choices)
    accommodation = forms.ChoiceField(label=_("Accommodation paid by"), choices=Payer.choices)
    meals = forms.ChoiceField(label=_("Meals paid by"), choices=Payer.choices)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput)


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
    # Countries named in the reader's language and alphabet (core.countries), as on every form.
    nationality = forms.ChoiceField(label=_("Nationality"), choices=country_choices_with_blank, required=False)
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=passports.NUMBER_INPUT_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=passports.NUMBER_HELP,
    )
    passport_issued_on = forms.DateField(label=_("Passport issue date"), required=False, widget=DateInput())
    passport_expires_on = forms.DateField(label=_("Passport expiry date"), required=False, widget=DateInput())
    passport_authority = forms.CharField(label=_("Issuing authority"), max_length=150, required=False)
    arrival_date = forms.DateField(label=_("Entry date"), required=False, widget=DateInput())
    departure_date = forms.DateField(label=_("Exit date"), required=False, widget=DateInput())
    consulate_country = forms.ChoiceField(
        label=_("Country where you apply for the visa"), choices=country_choices_with_blank, required=False
    )
    consulate_city = forms.CharField(
        label=_("City of the embassy or consulate (if not the capital)"), max_length=100, required=False
    )


# --- the organizers' console: who invites, who signs, what arriving speakers read ----------------

ORGANIZATION_FIELDS = [
    "legal_name_az", "legal_name_en", "registration_number", "legal_address_az", "legal_address_en", "phone",
    "email", "website", "contact_name", "contact_phone", "contact_email",
]  # fmt: skip


class OrganizationForm(forms.ModelForm):
    """The inviting legal entity as its registration papers name it, in Azerbaijani and English."""

    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Printed in the letterhead, e.g. https://cyberforum.az"),
    )

    class Meta:
        model = InvitingOrganization
        fields = ORGANIZATION_FIELDS
        widgets = {
            "legal_name_az": forms.TextInput(attrs={"lang": "az"}),
            "legal_address_az": forms.TextInput(attrs={"lang": "az"}),
            "legal_name_en": forms.TextInput(attrs={"lang": "en"}),
            "legal_address_en": forms.TextInput(attrs={"lang": "en"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "contact_name": _("The person a consulate calls to confirm a letter."),
        }

    def service_kwargs(self):
        return {name: self.cleaned_data[name] for name in ORGANIZATION_FIELDS}


class SignatoryForm(forms.Form):
    """A person who signs letters. The images are checked and re-encoded by the service
    (core.uploads.clean_mark) and stored privately; on a change, an empty file keeps the image."""

    name = forms.CharField(label=_("Name"), max_length=200)
    title_az = forms.CharField(
        label=_("Title (Azerbaijani)"), max_length=200, widget=forms.TextInput(attrs={"lang": "az"})
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, widget=forms.TextInput(attrs={"lang": "en"}))
    signature = forms.FileField(
        label=_("Signature image"),
        help_text=_("PNG with a transparent background is best; JPEG and WebP are accepted. At most 5 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    stamp = forms.FileField(
        label=_("Stamp image"),
        help_text=_("The organization's round stamp; PNG with a transparent background is best."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    is_active = forms.BooleanField(label=_("Signs letters"), required=False, initial=True)
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=32767,
        initial=0,
        required=False,
        help_text=_("The first active signatory with both images signs new letters."),
    )

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(instance, name) for name in ("name", "title_az", "title_en", "is_active", "position")},
            )
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            for name in ("signature", "stamp"):
                self.fields[name].required = False
                self.fields[name].help_text = _("Leave empty to keep the current image.")

    def service_kwargs(self):
        data = self.cleaned_data
        fields = {name: data[name] for name in ("name", "title_az", "title_en", "is_active")}
        fields["position"] = data.get("position") or 0
        for name in ("signature", "stamp"):
            if data.get(name):
                fields[name] = data[name]
        return fields


ARRIVAL_TRANSLATED = ["venue_address", "hotel_name", "hotel_address", "arrival_instructions"]


class ArrivalInfoForm(forms.Form):
    """What accepted speakers read before they travel, per language (the Azerbaijani text is
    shown to readers of a language left empty)."""

    hotel_phone = forms.CharField(
        label=_("Hotel phone"), max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    contact_phone = forms.CharField(
        label=_("Phone for arriving speakers"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )  # fmt: skip

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {"hotel_phone": instance.hotel_phone, "contact_phone": instance.contact_phone})
        super().__init__(*args, **kwargs)
        labels = {
            "venue_address": (_("Venue address"), 300, None),
            "hotel_name": (_("Hotel"), 200, None),
            "hotel_address": (_("Hotel address"), 300, None),
            "arrival_instructions": (
                _("Arrival instructions"), 4000, lambda: forms.Textarea(attrs={"rows": 4}),
            ),
        }  # fmt: skip
        for name, (label, max_length, widget) in labels.items():
            add_translated_fields(
                self, name, label=label, required=False, max_length=max_length, widget=widget,
                initial=translated_initial(instance, name),
            )  # fmt: skip
        codes = settings.LANGUAGE_CODES
        self.order_fields(
            [
                *(f"venue_address_{c}" for c in codes),
                *(f"hotel_name_{c}" for c in codes),
                *(f"hotel_address_{c}" for c in codes),
                "hotel_phone",
                *(f"arrival_instructions_{c}" for c in codes),
                "contact_phone",
            ]
        )

    def service_kwargs(self):
        data = self.cleaned_data
        fields = {name: translated_values(data, name) for name in ARRIVAL_TRANSLATED}
        fields["hotel_phone"] = data["hotel_phone"]
        fields["contact_phone"] = data["contact_phone"]
        return fields
