"""Turkish: one way to write dates and times in pages, emails, PDFs and the admin."""

from core.formats._common import *  # noqa: F403

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
