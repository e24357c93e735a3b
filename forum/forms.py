"""Forms of the organizers' console for editions, rooms and themes. They parse and label input in
the organizer's language; the rules live in ``forum.services``."""

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Forum

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ForumDateTimeField(forms.DateTimeField):
    """A wall-clock date and time in the forum's zone (not the server's, not the browser's):
    what the organizer types is what the forum's clocks will show."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def __init__(self, *args, tz=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz or zoneinfo.ZoneInfo(settings.FORUM_DEFAULT_TIMEZONE)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.tz)
        for fmt in self.input_formats:
            try:
                parsed = datetime.datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
            return parsed.replace(tzinfo=self.tz)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and value.tzinfo:
            return value.astimezone(self.tz).replace(tzinfo=None)
        return value


def add_translated_fields(form, name, *, label, required=True, max_length=None, widget=None, initial=None):
    """``<name>_az``, ``<name>_en``, ... fields: Azerbaijani required (the others fall back to it)."""
    for code in settings.LANGUAGE_CODES:
        field_class = forms.CharField
        form.fields[f"{name}_{code}"] = field_class(
            label=f"{label} ({LANGUAGE_NAMES[code]})",
            required=required and code == settings.LANGUAGE_CODE,
            max_length=max_length,
            widget=widget() if widget else None,
            initial=(initial or {}).get(code, ""),
        )
        form.fields[f"{name}_{code}"].widget.attrs["lang"] = code


def translated_initial(instance, name):
    if instance is None:
        return {}
    return {code: getattr(instance, f"{name}_{code}", "") or "" for code in settings.LANGUAGE_CODES}


def translated_values(cleaned_data, name):
    """{lang: text} of the languages filled in (the service keeps empty ones empty)."""
    return {code: (cleaned_data.get(f"{name}_{code}") or "").strip() for code in settings.LANGUAGE_CODES}


def apply_domain_error(form, error):
    """Show a service's refusal on the form: on the fields it names, else above the form."""
    placed = False
    for field, messages in (error.fields or {}).items():
        if field in form.fields:
            form.add_error(field, error.message if len(error.fields) == 1 else "; ".join(map(str, messages)))
            placed = True
        elif f"{field}_{settings.LANGUAGE_CODE}" in form.fields:
            form.add_error(f"{field}_{settings.LANGUAGE_CODE}", error.message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def timezone_choices():
    return [
        (name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name and not name.startswith("Etc/")
    ]


class ForumForm(forms.Form):
    """An edition: its names per language, dates, daily hours, place, capacity and registration
    window (in the forum's own time zone)."""

    slug = forms.SlugField(
        label=_("Address (slug)"),
        max_length=80,
        help_text=_("Letters, digits and hyphens; part of the edition's web address."),
    )
    edition = forms.IntegerField(label=_("Edition number"), min_value=1, max_value=999)
    start_date = forms.DateField(label=_("First day"), widget=DateInput)
    end_date = forms.DateField(label=_("Last day"), widget=DateInput)
    day_opens_at = forms.TimeField(label=_("Daily opening time"), widget=TimeInput, initial=datetime.time(9, 0))
    day_closes_at = forms.TimeField(label=_("Daily closing time"), widget=TimeInput, initial=datetime.time(18, 0))
    timezone = forms.ChoiceField(label=_("Time zone"), initial=settings.FORUM_DEFAULT_TIMEZONE)
    capacity = forms.IntegerField(label=_("Attendee capacity"), min_value=0, initial=0)
    status = forms.ChoiceField(label=_("Status"), choices=Forum.Status.choices, initial=Forum.Status.DRAFT)

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {})
            for name in ("slug", "edition", "start_date", "end_date", "day_opens_at", "day_closes_at", "timezone",
                         "capacity", "status", "registration_opens_at", "registration_closes_at"):  # fmt: skip
                kwargs["initial"].setdefault(name, getattr(instance, name))
        super().__init__(*args, **kwargs)
        add_translated_fields(
            self, "name", label=_("Name"), max_length=200, initial=translated_initial(instance, "name")
        )
        add_translated_fields(
            self, "city", label=_("City"), max_length=100, initial=translated_initial(instance, "city")
        )
        add_translated_fields(
            self,
            "venue",
            label=_("Venue"),
            required=False,
            max_length=200,
            initial=translated_initial(instance, "venue"),
        )
        self.fields["timezone"].choices = timezone_choices()
        tz = instance.tz if instance else zoneinfo.ZoneInfo(settings.FORUM_DEFAULT_TIMEZONE)
        if self.is_bound and self.data.get("timezone") in zoneinfo.available_timezones():
            tz = zoneinfo.ZoneInfo(self.data["timezone"])
        window = (
            ("registration_opens_at", _("Registration opens")),
            ("registration_closes_at", _("Registration closes")),
        )
        for name, label in window:
            self.fields[name] = ForumDateTimeField(
                label=label, required=False, tz=tz, help_text=_("In the forum's time zone.")
            )
            if instance is not None:
                self.initial[name] = getattr(instance, name)
        # The order an organizer reads: names first, then place and dates.
        codes = settings.LANGUAGE_CODES
        order = [
            *(f"name_{c}" for c in codes),
            *("slug", "edition", "start_date", "end_date", "day_opens_at", "day_closes_at", "timezone"),
            *(f"city_{c}" for c in codes),
            *(f"venue_{c}" for c in codes),
            *("capacity", "registration_opens_at", "registration_closes_at", "status"),
        ]
        self.order_fields(order)

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "name": translated_values(data, "name"),
            "city": translated_values(data, "city"),
            "venue": translated_values(data, "venue"),
            "slug": data["slug"],
            "edition": data["edition"],
            "year": data["start_date"].year,
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "day_opens_at": data["day_opens_at"],
            "day_closes_at": data["day_closes_at"],
            "timezone": data["timezone"],
            "capacity": data["capacity"],
            "status": data["status"],
            "registration_opens_at": data.get("registration_opens_at"),
            "registration_closes_at": data.get("registration_closes_at"),
        }


class CopyForumForm(forms.Form):
    """What next year's edition is called, when it runs and where it lives, asked before anything
    is created (the old name is never carried over silently)."""

    start_date = forms.DateField(label=_("First day"), widget=DateInput)
    end_date = forms.DateField(label=_("Last day"), widget=DateInput)
    slug = forms.SlugField(label=_("Address (slug)"), max_length=80)
    edition = forms.IntegerField(label=_("Edition number"), min_value=1, max_value=999)

    def __init__(self, *args, source, **kwargs):
        from .services import next_year_start, suggested_copy_slug

        start = next_year_start(source.start_date)
        kwargs.setdefault(
            "initial",
            {
                "start_date": start,
                "end_date": source.end_date + (start - source.start_date),
                "slug": suggested_copy_slug(source=source, year=start.year),
                "edition": source.edition + 1,
            },
        )
        super().__init__(*args, **kwargs)
        self.source = source
        # Names are left empty on purpose: last year's name is the one thing that must change.
        add_translated_fields(self, "name", label=_("New name"), max_length=200)
        self.order_fields(
            [f"name_{c}" for c in settings.LANGUAGE_CODES] + ["start_date", "end_date", "slug", "edition"]
        )

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        old = (getattr(self.source, f"name_{settings.LANGUAGE_CODE}") or "").strip().casefold()
        new = (data.get(f"name_{settings.LANGUAGE_CODE}") or "").strip().casefold()
        if new and new == old:
            self.add_error(f"name_{settings.LANGUAGE_CODE}", _("Give next year's edition a name of its own."))
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "name": {code: value for code, value in translated_values(data, "name").items() if value},
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "slug": data["slug"],
            "edition": data["edition"],
        }


class RoomForm(forms.Form):
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1)
    interpretation_languages = forms.MultipleChoiceField(
        label=_("Interpretation into"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {"capacity": instance.capacity, "interpretation_languages": instance.interpretation_languages,
                 "order": instance.order},
            )  # fmt: skip
        super().__init__(*args, **kwargs)
        add_translated_fields(
            self, "name", label=_("Name"), max_length=120, initial=translated_initial(instance, "name")
        )
        self.order_fields(
            [f"name_{c}" for c in settings.LANGUAGE_CODES] + ["capacity", "interpretation_languages", "order"]
        )

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "name": translated_values(data, "name"),
            "capacity": data["capacity"],
            "interpretation_languages": data["interpretation_languages"],
            "order": data.get("order") or 0,
        }


class ThemeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Short, for addresses and filters, e.g. cloud."))
    colour = forms.RegexField(
        label=_("Colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#1f5fa8",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {"code": instance.code, "colour": instance.colour, "order": instance.order})
        super().__init__(*args, **kwargs)
        add_translated_fields(
            self, "name", label=_("Name"), max_length=200, initial=translated_initial(instance, "name")
        )
        self.order_fields([f"name_{c}" for c in settings.LANGUAGE_CODES] + ["code", "colour", "order"])

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "name": translated_values(data, "name"),
            "code": data["code"],
            "colour": data["colour"].lower(),
            "order": data.get("order") or 0,
        }
