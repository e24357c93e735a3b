"""The timetable's entries as HTML, written in Python for the program's shared copy.

A 500-panel program shows about 170 entries a day, and the template engine spent more time on
them than everything else the page does: each entry resolves some sixty variables and filters.
This writes the same markup as ``panels/_program_entry.html`` with plain string formatting, and
computes what every entry shares (labels, choice names, the panel address) once per page.

The template stays the reference: it renders the copy an attendee sees with their stars (which
carries a CSRF token and is never shared), and a test renders every kind of entry both ways and
compares them (tests/panels/test_entry_html.py). Change both together.
"""

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .models import Panel

_PK = 987654321  # stands for the panel's id in the address reversed once per page
DEFAULT_COLOUR = "#1f5fa8"


class EntryWriter:
    """Writes entries of one forum's program in the active language and the forum's zone."""

    def __init__(self, forum):
        self.forum = forum
        self.tz = forum.tz
        self.panel_url = reverse("panels:detail", args=[forum.slug, _PK]).replace(str(_PK), "{pk}")
        self.speakers_url = f"/forums/{esc(forum.slug)}/speakers/"
        self.formats = {value: esc(str(label)) for value, label in Panel._meta.get_field("format").flatchoices}
        self.languages = {value: esc(str(label)) for value, label in Panel._meta.get_field("language").flatchoices}
        self.labels = {
            "all_rooms": esc(gettext("All rooms")),
            "cancelled": esc(gettext("Cancelled")),
            "moved": esc(gettext("Moved")),
            "was": esc(gettext("was")),
            "interpretation": esc(gettext("Interpretation offered")),
        }

    def _when(self, entry):
        start, end = timezone.localtime(entry.start, self.tz), timezone.localtime(entry.end, self.tz)
        return (
            f'<p class="tt-when"><time datetime="{start.isoformat()}">{start:%H:%M}</time>–'
            f'<time datetime="{end.isoformat()}">{end:%H:%M}</time>'
        )

    def item(self, entry):
        obj = entry.obj
        where = esc(obj.room.name) if obj.room_id else self.labels["all_rooms"]
        return (
            f'\n<article class="tt-entry tt-item kind-{esc(obj.kind)}" style="grid-row: {entry.row} / '
            f'{entry.row_end}; grid-column: {entry.column} / {entry.column_end}">\n'
            f'  {self._when(entry)}\n    <span class="tt-where">· {where}</span></p>\n'
            f'  <h3 class="tt-title">{esc(obj.title)}</h3>\n</article>\n'
        )

    def panel(self, entry):
        obj = entry.obj
        classes = "tt-entry tt-panel"
        if entry.is_cancelled:
            classes += " is-cancelled"
        if entry.moved_from:
            classes += " is-moved"
        colour = esc((obj.theme.colour if obj.theme_id else "") or DEFAULT_COLOUR)
        room_name = obj.room.name if obj.room_id else ""
        parts = [
            f'\n<article id="panel-{obj.pk}" data-panel="{obj.pk}" class="{classes}" style="grid-row: '
            f'{entry.row} / {entry.row_end}; grid-column: {entry.column}; --theme-colour: {colour}">\n'
            f'  {self._when(entry)}\n    <span class="tt-where">· {esc(room_name)}</span></p>\n'
            f'  <h3 class="tt-title"><a href="{self.panel_url.format(pk=obj.pk)}">{esc(obj.title)}</a></h3>\n  \n  '
        ]
        if entry.is_cancelled:
            parts.append(
                f'<p class="tt-mark"><strong class="badge badge-cancelled">{self.labels["cancelled"]}</strong></p>\n  '
            )
        elif entry.moved_from:
            parts.append(self._moved(entry.moved_from, room_name))
        parts.append("\n  ")
        if obj.theme_id:
            parts.append(
                f'<p class="tt-theme"><span class="theme-mark" aria-hidden="true">{esc(entry.mark)}</span> '
                f"{esc(obj.theme.name)}</p>"
            )
        meta = (
            f"{self.formats.get(obj.format, esc(obj.format))} · {self.languages.get(obj.language, esc(obj.language))}"
        )
        if obj.interpretation:
            meta += f" · {self.labels['interpretation']}"
        parts.append(f'\n  <p class="tt-meta">{meta}</p>\n  ')
        participations = obj.participations.all()
        if participations:
            parts.append(f'\n  <p class="tt-speakers">{self._speakers(participations)}</p>\n  ')
        parts.append("\n</article>\n")
        return "".join(parts)

    def _moved(self, moved_from, room_name):
        was = ""
        if moved_from.start:
            local = timezone.localtime(moved_from.start, self.tz)
            was += f'<del><time datetime="{local.isoformat()}">{esc(dateformat.format(local, "D H:i"))}</time></del>'
        if moved_from.room and moved_from.room != room_name:
            was += f" <del>{esc(moved_from.room)}</del>"
        return (
            f'<p class="tt-mark"><strong class="badge badge-moved">{self.labels["moved"]}</strong>\n'
            f'    <span class="was">{self.labels["was"]} {was}</span></p>'
        )

    def _speakers(self, participations):
        names = []
        for participation in participations:
            speaker = participation.speaker
            name = esc(speaker.display_name)
            if participation.public_profile:
                name = f'<a href="{self.speakers_url}{speaker.pk}/">{name}</a>'
            if speaker.organization:
                name += f' <span class="muted">({esc(speaker.organization)})</span>'
            names.append(name)
        return ", ".join(names)

    def __call__(self, entry):
        return mark_safe(self.item(entry) if entry.is_item else self.panel(entry))  # noqa: S308 - every value escaped above
