"""What an organizer can tune in a proposal, with the defaults and their bounds."""

import datetime
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from ..errors import PanelError

DEFAULT_WEIGHTS = {
    # Per attendee who chose both panels of an overlapping pair.
    "attendee_conflicts": 10,
    # Per pair of panels of one theme at the same time.
    "theme_overlap": 40,
    # Per panel of a theme above its evenest spread over the days.
    "theme_spread": 15,
    # Per keynote or opening outside the largest room.
    "keynote_room": 200,
    # Per panel of the current draft moved to another time (half of it for another room only).
    "changes": 60,
}

# Length of a panel with no time yet and no planned length, by format (minutes).
DEFAULT_MINUTES = {"opening": 30, "keynote": 45, "panel": 60, "workshop": 90, "closing": 30}

SCOPES = ("unscheduled", "all")
# A slot divides the hour, so every hour starts on one.
SLOT_MINUTES = (5, 10, 15, 20, 30, 60)


@dataclass
class SolverParams:
    slot_minutes: int = 15
    changeover_minutes: int = 15
    # Seats a room needs beyond the attendees who chose the panel, in percent.
    capacity_margin: int = 10
    time_limit: int = 30
    workers: int = 2
    # "unscheduled": place the panels without a time; "all": also move the draft schedule's panels.
    scope: str = "unscheduled"
    day: datetime.date | None = None
    theme: int | None = None
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # The heaviest attendee/theme pairs modelled exactly (the score always counts all of them).
    max_pairs: int = 6000
    seed: int = 1

    def as_json(self):
        data = asdict(self)
        data["day"] = self.day.isoformat() if self.day else None
        return data

    @classmethod
    def from_json(cls, data):
        data = dict(data or {})
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            _bad(_("Unknown setting: %(names)s.") % {"names": ", ".join(sorted(unknown))}, sorted(unknown)[0])
        params = cls(**{key: value for key, value in data.items() if value is not None})
        return params.validated()

    def validated(self):
        bounds = {
            "slot_minutes": (5, 60),
            "changeover_minutes": (0, 120),
            "capacity_margin": (0, 100),
            "time_limit": (1, 600),
            "workers": (1, 8),
            "max_pairs": (0, 100000),
            "seed": (0, 2**31 - 1),
        }
        for name, (low, high) in bounds.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                _bad(
                    _("%(name)s must be a whole number from %(low)s to %(high)s.")
                    % {"name": name, "low": low, "high": high},
                    name,
                )
        if self.slot_minutes not in SLOT_MINUTES:
            _bad(_("The slot length must divide an hour (5, 10, 15, 20, 30 or 60 minutes)."), "slot_minutes")
        if self.scope not in SCOPES:
            _bad(_("Choose what to place: unscheduled panels or the whole draft."), "scope")
        if isinstance(self.day, str):
            try:
                self.day = datetime.date.fromisoformat(self.day)
            except ValueError:
                _bad(_("Give the day as YYYY-MM-DD."), "day")
        if self.theme is not None and (isinstance(self.theme, bool) or not isinstance(self.theme, int)):
            _bad(_("Unknown theme for this forum."), "theme")
        if not isinstance(self.weights, dict):
            _bad(_("Give the weights as numbers by name."), "weights")
        weights = dict(DEFAULT_WEIGHTS)
        for name, value in self.weights.items():
            if name not in DEFAULT_WEIGHTS:
                _bad(_("Unknown weight: %(names)s.") % {"names": name}, "weights")
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10000:
                _bad(_("Weights are whole numbers from 0 to 10000."), "weights")
            weights[name] = value
        self.weights = weights
        return self


def _bad(message, field_name):
    raise PanelError(message, code="invalid_proposal_settings", status=400, fields={field_name: [message]})
