"""Forms of the RSVP and organizer pages. They parse input; the rules live in services."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.countries import country_choices_with_blank
from core.forms import IdField, IdListField

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
    """Travel and stay. The passport is asked once, in the visa support letter step (the visas app
    registers it in speakers.flow); this form only says whether a letter is needed."""

    class Meta:
        model = Invitation
        fields = [
            "arrival_date", "arrival_flight", "departure_date", "departure_flight", "accommodation",
            "needs_visa_letter", "dietary_needs", "accessibility_needs", "interpretation_language", "av_needs",
        ]  # fmt: skip
        widgets = {"arrival_date": DateInput, "departure_date": DateInput}
        help_texts = {
            "needs_visa_letter": _("Your passport details are asked in the visa support letter step."),
            "av_needs": _("For example: my own laptop (HDMI), a clicker, a lapel microphone."),
        }


class AvailabilityForm(forms.Form):
    """Up to ``ROWS`` windows per forum day, in forum time (fields ``day{i}_{row}_from`` and
    ``day{i}_{row}_to``). Leave a day empty if you cannot speak that day. Windows of one day must
    not overlap (touching ones are fine: the service joins them)."""

    ROWS = 3

    def __init__(self, *args, forum, windows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        by_day = {}
        for window in sorted(windows, key=lambda w: w.start):
            start = window.start.astimezone(forum.tz)
            end = window.end.astimezone(forum.tz)
            # A window running to midnight (possible through the API) shows as ending at 23:59.
            by_day.setdefault(start.date(), []).append(
                (start.time(), end.time() if end.date() == start.date() else datetime.time(23, 59))
            )
        # Three rows a day; more only when more windows were stored (through the API), so that
        # saving the page never drops one the speaker did not see.
        self.rows = [max(self.ROWS, len(by_day.get(day, []))) for day in forum.days]
        for index, day in enumerate(forum.days):
            stored = by_day.get(day, [])
            for row in range(self.rows[index]):
                start, end = stored[row] if row < len(stored) else (None, None)
                time_widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
                self.fields[f"day{index}_{row}_from"] = forms.TimeField(
                    label=_("From"), required=False, initial=start, widget=time_widget
                )
                self.fields[f"day{index}_{row}_to"] = forms.TimeField(
                    label=_("Until"), required=False, initial=end, widget=time_widget
                )

    def days(self):
        """``[(day, [(row number, from field, until field), ...]), ...]`` for the template."""
        return [
            (
                day,
                [
                    (row + 1, self[f"day{index}_{row}_from"], self[f"day{index}_{row}_to"])
                    for row in range(self.rows[index])
                ],
            )
            for index, day in enumerate(self.forum.days)
        ]

    def clean(self):
        data = super().clean()
        for index, _day in enumerate(self.forum.days):
            filled = []
            for row in range(self.rows[index]):
                name_from, name_to = f"day{index}_{row}_from", f"day{index}_{row}_to"
                if name_from in self.errors or name_to in self.errors:
                    continue
                start, end = data.get(name_from), data.get(name_to)
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    self.add_error(name_to if end is None else name_from, _("Give both times, or leave both empty."))
                elif end <= start:
                    self.add_error(name_to, _("The end must be after the start."))
                else:
                    filled.append((start, end, row))
            # Every pair is compared (a handful of rows); the later row carries the message.
            for position, (start, end, row) in enumerate(filled):
                for other_start, other_end, _other_row in filled[:position]:
                    if start < other_end and other_start < end:
                        self.add_error(
                            f"day{index}_{row}_from",
                            _("This window overlaps %(start)s–%(end)s on the same day; join them into one.")
                            % {"start": other_start.strftime("%H:%M"), "end": other_end.strftime("%H:%M")},
                        )
                        break
        return data

    def windows(self):
        """The filled windows as aware datetimes ``[(start, end), ...]``, in forum time."""
        result = []
        for index, day in enumerate(self.forum.days):
            for row in range(self.rows[index]):
                start = self.cleaned_data.get(f"day{index}_{row}_from")
                end = self.cleaned_data.get(f"day{index}_{row}_to")
                if start and end:
                    result.append((self.forum.local_datetime(day, start), self.forum.local_datetime(day, end)))
        return sorted(result)


class ProfileForm(forms.Form):
    """The expert's public profile, written in the language of the page (each language falls back
    to the Azerbaijani text, then the English one)."""

    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)
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


class InvitationChoiceForm(forms.Form):
    """The invitations ticked on the organizer's list for a bulk action."""

    invitation = IdListField()


class PanelChoiceForm(forms.Form):
    """The panel named by an organizer's button (remove an offer)."""

    panel = IdField()


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


class OrganizerSpeakerForm(forms.Form):
    """A speaker as the organizers enter them: the name as in the passport and in Latin letters,
    where they work, how to reach them and which language to write to them in. Whether the profile
    is public is the speaker's own choice (on their RSVP page) and is not asked here."""

    honorific = forms.ChoiceField(label=_("Honorific"), choices=Speaker.Honorific.choices, required=False)
    first_name = forms.CharField(label=_("First name (as in the passport)"), max_length=100)
    last_name = forms.CharField(label=_("Last name (as in the passport)"), max_length=100)
    first_name_latin = forms.CharField(label=_("First name in Latin letters"), max_length=100, required=False)
    last_name_latin = forms.CharField(label=_("Last name in Latin letters"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"))
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    preferred_language = forms.ChoiceField(label=_("Preferred language"))
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP; checked and resized like the speaker's own upload."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, instance=None, **kwargs):
        from django.conf import settings

        from forum.forms import add_translated_fields, translated_initial

        if instance is not None:
            initial = {name: getattr(instance, name) for name in self.base_fields if name != "photo"}
            initial["country"] = instance.country.code
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["country"].choices = country_choices_with_blank()
        self.fields["preferred_language"].choices = settings.LANGUAGES
        self.fields["preferred_language"].initial = "en"
        for name, label in (("organization", _("Organization")), ("position", _("Position"))):
            add_translated_fields(
                self, name, label=label, required=False, max_length=200, initial=translated_initial(instance, name)
            )
        names = ["honorific", "first_name", "last_name", "first_name_latin", "last_name_latin"]
        translated = [f"{name}_{c}" for name in ("organization", "position") for c in settings.LANGUAGE_CODES]
        self.order_fields(names + translated)

    def clean(self):
        data = super().clean()
        # A foreign name in another script needs its Latin form for badges and visa letters.
        for part in ("first_name", "last_name"):
            value = data.get(part) or ""
            needs_latin = value and any(ord(ch) > 0x24F for ch in value)
            if needs_latin and not (data.get(f"{part}_latin") or "").strip():
                self.add_error(f"{part}_latin", _("Write the name in Latin letters too, as in the passport."))
        latin = [data.get("first_name_latin"), data.get("last_name_latin")]
        for part, value in zip(("first_name_latin", "last_name_latin"), latin, strict=True):
            if value and any(ord(ch) > 0x24F for ch in value):
                self.add_error(part, _("Use Latin letters only."))
        return data

    def service_kwargs(self):
        from forum.forms import translated_values

        data = self.cleaned_data
        fields = {
            name: data.get(name) or ""
            for name in ("honorific", "first_name", "last_name", "first_name_latin", "last_name_latin",
                         "country", "email", "phone", "preferred_language")
        }  # fmt: skip
        fields["organization"] = translated_values(data, "organization")
        fields["position"] = translated_values(data, "position")
        return fields


class OrganizerInvitationForm(forms.Form):
    """An invitation to one edition, its deadline in the forum's own time zone."""

    personal_message = forms.CharField(
        label=_("Personal message"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    send_now = forms.BooleanField(label=_("Send the invitation now"), required=False, initial=True)

    def __init__(self, *args, forum, instance=None, **kwargs):
        from forum.forms import ForumDateTimeField

        super().__init__(*args, **kwargs)
        self.forum = forum
        self.fields["response_deadline"] = ForumDateTimeField(
            label=_("Answer by"),
            tz=forum.tz,
            help_text=_("Forum time (%(tz)s).") % {"tz": forum.timezone},
        )
        if instance is not None:
            self.initial.setdefault("response_deadline", instance.response_deadline)
            self.initial.setdefault("personal_message", instance.personal_message)
            del self.fields["send_now"]
        else:
            from .services import default_deadline

            self.initial.setdefault("response_deadline", default_deadline(forum))
        self.order_fields(["response_deadline", "personal_message", "send_now"])


class LinkAgainForm(forms.Form):
    """ "Email me my link again": the address the link goes to, if it is on file."""

    email = forms.EmailField(label=_("Your email address"), max_length=254)
