"""The printable program: a PDF (WeasyPrint) in the active language with every day, time, room,
panel, speakers and the breaks, and a QR code that opens the online program.

Built from the same loaded panels and items as the other exports (no queries of its own) and cached
by ``views._export`` under the program's version and the language, like them.
"""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from . import timetable
from .exports import program_url


def program_pdf(*, forum, panels, items=(), version):
    from weasyprint import HTML

    entries = timetable.entries(forum=forum, panels=panels, items=items)
    days = {day: [] for day in forum.days}
    for entry in entries:
        if entry.start.date() in days:
            days[entry.start.date()].append(entry)
    marks = timetable.theme_marks(forum.themes.all())
    for entry in entries:
        entry.mark = marks.get(getattr(entry.obj, "theme_id", None), "")
    url = program_url(forum)
    context = {
        "forum": forum,
        "days": [{"day": day, "entries": day_entries} for day, day_entries in days.items() if day_entries],
        "themes": [{"theme": theme, "mark": marks[theme.pk]} for theme in forum.themes.all()],
        "url": url,
        "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=1),
        "version": version,
        "printed": timezone.now().astimezone(forum.tz),
    }
    html = render_to_string("panels/program_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
