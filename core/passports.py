"""The shape of passport data, written once: how a passport number is written and checked, and how
long a passport must stay valid. The visa applicant's rules (visas/rules.py), its form and what
the speaker's page carries over from earlier travel details all use these."""

import calendar
import datetime
import re

from django.utils.translation import gettext_lazy as _

# ICAO 9303 numbers are at most 9 characters; national formats run longer. Spaces and hyphens that
# people type between groups are not part of the number.
NUMBER_MIN_LENGTH = 5
NUMBER_MAX_LENGTH = 20
# What a form lets a person type before the spaces and hyphens are removed.
NUMBER_INPUT_MAX_LENGTH = 30
_NUMBER = re.compile(rf"^[A-Z0-9]{{{NUMBER_MIN_LENGTH},{NUMBER_MAX_LENGTH}}}$")
_SEPARATORS = re.compile(r"[\s-]")

# Consulates ask for a passport valid at least this long after the visitor leaves.
MIN_VALIDITY_MONTHS = 3

NUMBER_HELP = _("Use 5 to 20 letters and digits, as printed in the passport.")


def normalize_number(value):
    """The number as stored and printed: upper-case, without spaces or hyphens."""
    return _SEPARATORS.sub("", value or "").upper()


def number_errors(value):
    """[] when ``value`` (already normalized or not) is a well-formed passport number."""
    number = normalize_number(value)
    if not number:
        return [_("This field is required.")]
    if not _NUMBER.match(number):
        return [NUMBER_HELP]
    return []


def add_months(day, months):
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until_needed(departure):
    """The earliest expiry date a consulate accepts for a visitor leaving on ``departure``."""
    return add_months(departure, MIN_VALIDITY_MONTHS)
