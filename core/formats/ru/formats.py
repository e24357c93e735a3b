"""Russian: one way to write dates and times in pages, emails, PDFs and the admin."""

from core.formats._common import *  # noqa: F403

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j E"
