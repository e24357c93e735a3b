"""The checks a consulate applies to the applicant's data, as plain functions of the values.

Each returns a dict of field name → list of messages (empty when the data would pass).
"""

import datetime
import re

from django.conf import settings
from django.utils.translation import gettext as _

from core import passports
from core.passports import add_months, normalize_number

# Passport names are printed in Latin letters (ICAO 9303); hyphens, apostrophes and spaces occur.
LATIN_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z' -]*[A-Za-z])?$")
# Titles are never part of the name in a passport; "Dr Anna" is how letters get turned back.
TITLES = {"dr", "prof", "mr", "mrs", "ms", "miss", "sir", "he", "hon", "phd", "md"}

__all__ = ["add_months", "applicant_errors", "normalize_passport_number"]

# One rule for the number's shape, shared with every other place that takes a passport number.
normalize_passport_number = normalize_number


def _name_errors(value):
    value = (value or "").strip()
    if not value:
        return [_("This field is required.")]
    words = {word.strip(".").lower() for word in value.split()}
    if words & TITLES:
        return [_("Leave out titles such as Dr or Prof.: write the name as in the passport.")]
    if not LATIN_NAME.match(value):
        return [_("Write the name in Latin letters exactly as in the passport.")]
    return []


def applicant_errors(data, *, forum, today):
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    for field in ("surname", "given_names"):
        for message in _name_errors(data.get(field)):
            add(field, message)
    for field in ("birth_place", "passport_authority"):
        if not (data.get(field) or "").strip():
            add(field, _("This field is required."))
    for field in ("nationality", "consulate_country"):
        if not data.get(field):
            add(field, _("Choose a country."))

    birth = data.get("birth_date")
    if not birth:
        add("birth_date", _("This field is required."))
    elif birth >= today or birth < datetime.date(1900, 1, 1):
        add("birth_date", _("Enter your real date of birth."))

    for message in passports.number_errors(data.get("passport_number")):
        add("passport_number", str(message))

    issued, expires = data.get("passport_issued_on"), data.get("passport_expires_on")
    if not issued:
        add("passport_issued_on", _("This field is required."))
    elif issued > today:
        add("passport_issued_on", _("The issue date cannot be in the future."))
    elif birth and issued < birth:
        add("passport_issued_on", _("The passport cannot be issued before the date of birth."))
    if not expires:
        add("passport_expires_on", _("This field is required."))
    elif issued and expires <= issued:
        add("passport_expires_on", _("The expiry date must be after the issue date."))

    arrival, departure = data.get("arrival_date"), data.get("departure_date")
    window = datetime.timedelta(days=settings.VISA_STAY_WINDOW_DAYS)
    earliest, latest = forum.start_date - window, forum.end_date + window
    if not arrival:
        add("arrival_date", _("This field is required."))
    if not departure:
        add("departure_date", _("This field is required."))
    if arrival and departure:
        if departure < arrival:
            add("departure_date", _("The exit date cannot be before the entry date."))
        if arrival < earliest or arrival > forum.end_date:
            add(
                "arrival_date",
                _("Enter a date from %(earliest)s to %(latest)s.")
                % {"earliest": _iso(earliest), "latest": _iso(forum.end_date)},
            )
        if departure > latest or departure < forum.start_date:
            add(
                "departure_date",
                _("Enter a date from %(earliest)s to %(latest)s.")
                % {"earliest": _iso(forum.start_date), "latest": _iso(latest)},
            )
        if expires and "passport_expires_on" not in errors:
            needed = passports.valid_until_needed(departure)
            if expires < needed:
                add(
                    "passport_expires_on",
                    _("The passport must be valid at least 3 months after you leave, until %(date)s or later.")
                    % {"date": _iso(needed)},
                )
    return errors


def _iso(day):
    return day.isoformat()
