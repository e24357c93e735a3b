import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ProgramItem


def _day_choices(forum):
    return [(day.isoformat(), f"{day:%d.%m.%Y}") for day in forum.days]


class SlotForm(forms.Form):
    """A room and a forum-local time on one of the forum's days."""

    # What a panel without a time is offered when it is dropped on the grid: start plus an hour.
    DEFAULT_DURATION = datetime.timedelta(hours=1)

    day = forms.ChoiceField(label=_("Day"))
    start = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    room = forms.ChoiceField(label=_("Room"))

    def __init__(self, *args, forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        self.fields["day"].choices = _day_choices(forum)
        self.fields["room"].choices = [(str(room.pk), room.name) for room in forum.rooms.all()]

    def slot(self):
        """(room_id, aware start, aware end) in the forum's time zone."""
        day = datetime.date.fromisoformat(self.cleaned_data["day"])
        start = self.forum.local_datetime(day, self.cleaned_data["start"])
        end = self.forum.local_datetime(day, self.cleaned_data["end"])
        return int(self.cleaned_data["room"]), start, end

    @classmethod
    def initial_for(cls, panel):
        if not panel.start:
            return {"room": str(panel.room_id) if panel.room_id else ""}
        start, end = panel.local_start, panel.local_end
        return {"day": start.date().isoformat(), "start": start.time(), "end": end.time(), "room": str(panel.room_id)}

    @classmethod
    def minutes_for(cls, panel):
        """How long a slot the grid offers the panel, in minutes: its own length, or the default."""
        duration = panel.duration or cls.DEFAULT_DURATION
        return int(duration.total_seconds() // 60)


class ProgramFilterForm(forms.Form):
    """The public program's search and filters, all optional, read from the query string. A value
    that is not (or no longer) valid is dropped with a notice; the rest still apply."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, strip=True)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    day = forms.ChoiceField(label=_("Day"), required=False)
    room = forms.ChoiceField(label=_("Room"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, forum, themes=None, rooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        themes = forum.themes.all() if themes is None else themes
        rooms = forum.rooms.all() if rooms is None else rooms
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        self.fields["theme"].choices = everything + [(theme.code, theme.name) for theme in themes]
        self.fields["day"].choices = everything + _day_choices(forum)
        self.fields["room"].choices = everything + [(str(room.pk), room.name) for room in rooms]
        self.fields["language"].choices = everything + [(code, name) for code, name in settings.LANGUAGES]

    def filters(self):
        data = self.cleaned_data
        return {
            "theme": data.get("theme") or None,
            "day": datetime.date.fromisoformat(data["day"]) if data.get("day") else None,
            "room": int(data["room"]) if data.get("room") else None,
            "language": data.get("language") or None,
            "q": data.get("q") or None,
        }

    def lenient(self):
        """(filters from the valid fields, [(label, ignored value)] for the others). Call on a bound
        form; never raises for what a visitor typed or an old link carries."""
        self.is_valid()
        ignored = [(str(self.fields[name].label), str(self.data.get(name, ""))[:100]) for name in self.errors]
        return self.filters(), ignored


class ProgramItemForm(forms.Form):
    """A break, lunch or ceremony: kind, a title per language, a day, times and a room (or all)."""

    kind = forms.ChoiceField(label=_("Kind"))
    title_az = forms.CharField(label=_("Title (Azerbaijani)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=200, required=False)
    title_tr = forms.CharField(label=_("Title (Turkish)"), max_length=200, required=False)
    day = forms.ChoiceField(label=_("Day"))
    start = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    room = forms.ChoiceField(label=_("Room"), required=False)

    def __init__(self, *args, forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        self.fields["kind"].choices = ProgramItem.Kind.choices
        self.fields["day"].choices = _day_choices(forum)
        self.fields["room"].choices = [("", _("All rooms"))] + [(str(room.pk), room.name) for room in forum.rooms.all()]

    def item(self):
        """Keyword arguments for the program item services (room id or None, aware times)."""
        data = self.cleaned_data
        day = datetime.date.fromisoformat(data["day"])
        titles = {code: data[f"title_{code}"] for code in ("az", "en", "ru", "tr") if data.get(f"title_{code}")}
        return {
            "kind": data["kind"],
            "title": titles,
            "room_id": int(data["room"]) if data.get("room") else None,
            "start": self.forum.local_datetime(day, data["start"]),
            "end": self.forum.local_datetime(day, data["end"]),
        }

    @classmethod
    def initial_for(cls, item):
        start, end = item.local_start, item.local_end
        initial = {"kind": item.kind, "day": start.date().isoformat(), "start": start.time(), "end": end.time()}
        initial["room"] = str(item.room_id) if item.room_id else ""
        for code in ("az", "en", "ru", "tr"):
            initial[f"title_{code}"] = getattr(item, f"title_{code}") or ""
        return initial


class PanelForm(forms.Form):
    """A panel's texts per language and its details; its place in the schedule is set on the grid."""

    theme = forms.ChoiceField(label=_("Theme"), required=False)
    format = forms.ChoiceField(label=_("Format"))
    language = forms.ChoiceField(label=_("Spoken language"), choices=settings.LANGUAGES)
    interpretation = forms.BooleanField(label=_("Interpretation offered"), required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, required=False, help_text=_("Leave empty to use the room's capacity.")
    )

    def __init__(self, *args, forum, instance=None, **kwargs):
        from forum.forms import add_translated_fields, translated_initial

        from .models import Panel

        if instance is not None:
            kwargs.setdefault(
                "initial",
                {"theme": str(instance.theme_id or ""), "format": instance.format, "language": instance.language,
                 "interpretation": instance.interpretation, "capacity": instance.capacity},
            )  # fmt: skip
        super().__init__(*args, **kwargs)
        self.forum = forum
        self.fields["theme"].choices = [("", _("No theme"))] + [(str(t.pk), t.name) for t in forum.themes.all()]
        self.fields["format"].choices = Panel.Format.choices
        add_translated_fields(
            self, "title", label=_("Title"), max_length=250, initial=translated_initial(instance, "title")
        )
        add_translated_fields(
            self,
            "description",
            label=_("Description"),
            required=False,
            widget=lambda: forms.Textarea(attrs={"rows": 3}),
            initial=translated_initial(instance, "description"),
        )
        codes = settings.LANGUAGE_CODES
        self.order_fields([f"title_{c}" for c in codes] + [f"description_{c}" for c in codes] + ["theme", "format"])

    def service_kwargs(self):
        from forum.forms import translated_values

        data = self.cleaned_data
        theme = None
        if data.get("theme"):
            theme = self.forum.themes.filter(pk=int(data["theme"])).first()
        return {
            "title": translated_values(data, "title"),
            "description": translated_values(data, "description"),
            "theme": theme,
            "format": data["format"],
            "language": data["language"],
            "interpretation": data["interpretation"],
            "capacity": data.get("capacity"),
        }
