from django import forms
from django.utils.translation import gettext_lazy as _

from forum.models import Theme


class ProposalForm(forms.Form):
    """What to propose: unscheduled panels or the whole draft, optionally one day or one theme."""

    scope = forms.ChoiceField(
        label=_("Place"),
        choices=[
            ("unscheduled", _("Only the panels without a time")),
            ("all", _("Every panel not published or locked (may move the draft)")),
        ],
        initial="unscheduled",
    )
    day = forms.ChoiceField(label=_("Day"), required=False)
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    time_limit = forms.IntegerField(label=_("Search for at most (seconds)"), min_value=1, max_value=600, initial=30)
    changeover_minutes = forms.IntegerField(
        label=_("Speaker changeover (minutes)"), min_value=0, max_value=120, initial=15
    )
    capacity_margin = forms.IntegerField(
        label=_("Seats beyond the expected audience (%)"), min_value=0, max_value=100, initial=10
    )

    def __init__(self, *args, forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [("", _("Every day"))] + [(d.isoformat(), f"{d:%d.%m.%Y}") for d in forum.days]
        self.fields["theme"].queryset = Theme.objects.filter(forum=forum).order_by("order", "id")
        self.fields["theme"].empty_label = _("Every theme")

    def params(self):
        data = self.cleaned_data
        return {
            "scope": data["scope"],
            "day": data["day"] or None,
            "theme": data["theme"].pk if data["theme"] else None,
            "time_limit": data["time_limit"],
            "changeover_minutes": data["changeover_minutes"],
            "capacity_margin": data["capacity_margin"],
        }
