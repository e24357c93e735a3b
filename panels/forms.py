import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


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
    """The public program's filters, all optional, read from the query string."""

    theme = forms.ChoiceField(label=_("Theme"), required=False)
    day = forms.ChoiceField(label=_("Day"), required=False)
    room = forms.ChoiceField(label=_("Room"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, forum, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["theme"].choices = everything + [(theme.code, theme.name) for theme in forum.themes.all()]
        self.fields["day"].choices = everything + _day_choices(forum)
        self.fields["room"].choices = everything + [(str(room.pk), room.name) for room in forum.rooms.all()]
        self.fields["language"].choices = everything + [(code, name) for code, name in settings.LANGUAGES]

    def filters(self):
        data = self.cleaned_data
        return {
            "theme": data.get("theme") or None,
            "day": datetime.date.fromisoformat(data["day"]) if data.get("day") else None,
            "room": int(data["room"]) if data.get("room") else None,
            "language": data.get("language") or None,
        }
