"""Forms of the RSVP and organizer pages. They parse input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Invitation, InvitationPanel, Speaker


class DateInput(forms.DateInput):
    input_type = "date"


class RespondForm(forms.Form):
    attend = forms.TypedChoiceField(
        label=_("Will you speak at the forum?"),
        choices=[("yes", _("Yes, I accept the invitation")), ("no", _("No, I have to decline"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
    )
    reason = forms.CharField(
        label=_("If you decline, a word for the organizers (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = list(offers)
        for offer in self.offers:
            initial = {InvitationPanel.Answer.ACCEPTED: "yes", InvitationPanel.Answer.DECLINED: "no"}.get(offer.answer)
            self.fields[f"panel_{offer.panel_id}"] = forms.ChoiceField(
                label=f"{offer.panel.title} — {offer.get_role_display()}",
                choices=[("yes", _("I take part")), ("no", _("I cannot take part"))],
                widget=forms.RadioSelect,
                required=False,
                initial=initial,
            )

    def panel_answers(self):
        answers = {}
        for offer in self.offers:
            value = self.cleaned_data.get(f"panel_{offer.panel_id}")
            if value in {"yes", "no"}:
                answers[offer.panel_id] = value == "yes"
        return answers

    def panel_fields(self):
        return [self[f"panel_{offer.panel_id}"] for offer in self.offers]


class TravelForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = [
            "arrival_date", "arrival_flight", "departure_date", "departure_flight", "accommodation", "nationality",
            "needs_visa_letter", "passport_number", "passport_expiry", "dietary_needs", "accessibility_needs",
            "interpretation_language", "av_needs",
        ]  # fmt: skip
        widgets = {
            "arrival_date": DateInput,
            "departure_date": DateInput,
            "passport_expiry": DateInput,
            "passport_number": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "passport_number": _("Only the organizers see your passport details; they appear on your visa letter."),
            "av_needs": _("For example: my own laptop (HDMI), a clicker, a lapel microphone."),
        }


class AvailabilityForm(forms.Form):
    """One window per forum day, in forum time. Leave a day empty if you cannot speak that day."""

    def __init__(self, *args, forum, windows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        by_day = {}
        for window in windows:
            start = window.start.astimezone(forum.tz)
            end = window.end.astimezone(forum.tz)
            by_day.setdefault(start.date(), (start.time(), end.time() if end.date() == start.date() else None))
        for index, day in enumerate(forum.days):
            start, end = by_day.get(day, (None, None))
            time_widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            self.fields[f"day{index}_from"] = forms.TimeField(
                label=_("From"), required=False, initial=start, widget=time_widget
            )
            self.fields[f"day{index}_to"] = forms.TimeField(
                label=_("Until"), required=False, initial=end, widget=time_widget
            )

    def days(self):
        return [(day, self[f"day{i}_from"], self[f"day{i}_to"]) for i, day in enumerate(self.forum.days)]

    def clean(self):
        data = super().clean()
        for index, _day in enumerate(self.forum.days):
            start, end = data.get(f"day{index}_from"), data.get(f"day{index}_to")
            if bool(start) != bool(end):
                self.add_error(f"day{index}_to", _("Give both times, or leave both empty."))
        return data

    def windows(self):
        result = []
        for index, day in enumerate(self.forum.days):
            start, end = self.cleaned_data.get(f"day{index}_from"), self.cleaned_data.get(f"day{index}_to")
            if start and end:
                result.append((self.forum.local_datetime(day, start), self.forum.local_datetime(day, end)))
        return result


class ProfileForm(forms.Form):
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    bio = forms.CharField(label=_("Short biography"), required=False, max_length=3000, widget=forms.Textarea)
    photo = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB; we resize it.")
    )
    publish_consent = forms.BooleanField(
        label=_(
            "I agree to the publication of my name, position, organization, country, bio and photo on this website."
        ),
        required=False,
    )


class InviteForm(forms.Form):
    speaker = forms.ModelChoiceField(label=_("Speaker"), queryset=Speaker.objects.none())
    response_deadline = forms.DateTimeField(
        label=_("Answer by"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    personal_message = forms.CharField(
        label=_("Personal message"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = Speaker.objects.exclude(invitations__forum=forum).order_by(
            "last_name", "first_name"
        )


class OfferPanelForm(forms.Form):
    panel = forms.ModelChoiceField(label=_("Panel"), queryset=None)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, forum, **kwargs):
        from panels.models import Panel, Participation

        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = Panel.objects.filter(forum=forum).exclude(status=Panel.Status.CANCELLED)
        self.fields["role"].choices = Participation.Role.choices


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    dry_run = forms.BooleanField(label=_("Dry run: check the file, import nothing"), required=False, initial=True)
    create_invitations = forms.BooleanField(
        label=_("Create draft invitations to this forum"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large: at most 5 MB."))
        return upload
