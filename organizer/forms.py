"""Forms of the console's own pages (the domain forms live in each domain app)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from forum.forms import add_translated_fields, translated_values


class BroadcastForm(forms.Form):
    """A message to a segment: whom (attendees or speakers, filtered) and what, per language."""

    audience = forms.ChoiceField(
        label=_("To"), choices=[("attendees", _("Attendees")), ("speakers", _("Speakers"))], widget=forms.RadioSelect
    )
    status = forms.ChoiceField(label=_("Attendees: status"), required=False)
    category = forms.ChoiceField(label=_("Attendees: category"), required=False)
    country = forms.ChoiceField(label=_("Attendees: country"), required=False)
    panel = forms.ChoiceField(label=_("Attendees: chose the panel"), required=False)
    state = forms.ChoiceField(label=_("Speakers: invitation state"), required=False)
    theme = forms.ChoiceField(label=_("Speakers: theme"), required=False)
    travel = forms.ChoiceField(
        label=_("Speakers: travel needs"),
        required=False,
        choices=[("", _("Any")), ("visa", _("Needs a visa letter")), ("hotel", _("Needs a hotel room"))],
    )

    def __init__(self, *args, forum, **kwargs):
        from core.countries import country_choices
        from panels.models import Panel
        from registration.models import Category, Registration
        from speakers.models import Invitation

        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        statuses = [(v, label) for v, label in Registration.Status.choices if v != Registration.Status.CANCELLED]
        self.fields["status"].choices = any_ + statuses
        self.fields["category"].choices = any_ + list(Category.choices)
        self.fields["country"].choices = any_ + country_choices()
        panels = Panel.objects.filter(forum=forum).exclude(status=Panel.Status.DRAFT).order_by("start", "id")
        self.fields["panel"].choices = any_ + [(str(p.pk), p.title) for p in panels]
        states = [(v, label) for v, label in Invitation.State.choices if v != Invitation.State.WITHDRAWN]
        self.fields["state"].choices = any_ + states
        self.fields["theme"].choices = any_ + [(t.code, t.name) for t in forum.themes.all()]
        add_translated_fields(self, "subject", label=_("Subject"), max_length=200)
        add_translated_fields(
            self, "body", label=_("Text"), max_length=5000, widget=lambda: forms.Textarea(attrs={"rows": 5})
        )
        for code in settings.LANGUAGE_CODES:
            self.fields[f"body_{code}"].help_text = (
                _("People who read another language get the Azerbaijani text.")
                if code == settings.LANGUAGE_CODE
                else ""
            )

    def segment(self):
        data = self.cleaned_data
        names = (
            ("status", "category", "country", "panel")
            if data["audience"] == "attendees"
            else ("state", "theme", "travel")
        )
        filters = {name: data[name] for name in names if data.get(name)}
        if "panel" in filters:
            filters["panel"] = int(filters["panel"])
        return data["audience"], filters

    def texts(self):
        return translated_values(self.cleaned_data, "subject"), translated_values(self.cleaned_data, "body")


class BadgesForm(forms.Form):
    """Whose badges to print, and how: everyone not cancelled, or by status, category and a chosen
    panel; on A4 sheets of four A6 badges with cut marks, or one A6 badge per page."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    panel = forms.ChoiceField(label=_("Chose the panel"), required=False)
    layout = forms.ChoiceField(
        label=_("Layout"),
        choices=[
            ("sheet", _("A4 sheets of four A6 badges, with cut marks")),
            ("single", _("One A6 badge per page (badge printers, pre-cut cards)")),
        ],
        initial="sheet",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, forum, **kwargs):
        from panels.models import Panel
        from registration.models import Category, Registration
        from registration.selectors import BADGE_STATUSES

        super().__init__(*args, **kwargs)
        labels = dict(Registration.Status.choices)
        self.fields["status"].choices = [("", _("Anyone not cancelled")), *((s, labels[s]) for s in BADGE_STATUSES)]
        self.fields["status"].initial = Registration.Status.CONFIRMED
        self.fields["category"].choices = [("", _("Any")), *Category.choices]
        panels = Panel.objects.filter(forum=forum).exclude(status=Panel.Status.DRAFT).order_by("start", "id")
        self.fields["panel"].choices = [("", _("Any"))] + [(str(p.pk), p.title) for p in panels]

    def selection(self):
        data = self.cleaned_data
        return {
            "status": data["status"],
            "category": data["category"],
            "panel": int(data["panel"]) if data["panel"] else None,
            "layout": data["layout"],
        }


class AccountForm(forms.Form):
    """The organizer's own account: the language messages to them are written in."""

    language = forms.ChoiceField(
        label=_("Language of my messages"),
        required=False,
        help_text=_(
            "Notices about speakers' answers and availability and the daily digest are written to you in "
            "this language; the console opens in it after you sign in."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = _("The site's default language (%(language)s)") % {"language": _language_name(settings.LANGUAGE_CODE)}
        self.fields["language"].choices = [
            ("", default),
            *[(code, _language_name(code)) for code in settings.LANGUAGE_CODES],
        ]


def _language_name(code):
    """A language by its own name ("Azərbaycanca", "Русский"), so anyone finds theirs."""
    from django.utils.translation import get_language_info

    return get_language_info(code)["name_local"]
