"""The program's shared copy writes its entries in Python (panels/entry_html.py); the attendee's
own copy renders the template. Both must give the same markup for every kind of entry, in every
language: a panel with a theme, interpretation and speakers with and without a public profile or
an organization, a moved one (old time and old room), a cancelled one, one without a theme, a
break in one room and one across all rooms, and text that needs escaping."""

import re

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation

from panels import services
from panels.entry_html import EntryWriter
from panels.views import _program_context
from tests.factories import ProgramItemFactory, SpeakerFactory
from tests.panels.conftest import at, placed

pytestmark = pytest.mark.django_db


def _normalized(html):
    # Runs of white space are one space to a browser here (no <pre>, no white-space CSS on entries).
    return re.sub(r"\s+", " ", str(html)).strip()


@pytest.fixture
def program(forum, hall, side_room):
    public = SpeakerFactory(first_name="Anna", last_name="Weber", organization="ENISA", publish_consent=True)
    private = SpeakerFactory(first_name="Rəşad", last_name="Məmmədov", organization="", publish_consent=False)
    placed(
        forum, hall, 0, "09:00", "10:00", speakers=[public, private], publish=True, interpretation=True,
        theme=forum.themes.get(code="cii"), title={"az": "Açılış <b>&\"'", "en": "Opening <b>&\"'", "ru": "Открытие"},
    )  # fmt: skip
    moved = placed(forum, hall, 0, "10:00", "11:00", publish=True, title={"az": "Köçən", "en": "Moved one"})
    services.move_panel(panel=moved, room=side_room, start=at(forum, 0, "15:00"), end=at(forum, 0, "16:00"))
    cancelled = placed(forum, side_room, 0, "11:00", "12:00", publish=True, title={"az": "Ləğv", "en": "Cancelled one"})
    services.cancel_panel(panel=cancelled)
    placed(forum, side_room, 0, "12:00", "12:30", publish=True, theme=None, title={"az": "Mövzusuz", "en": "No theme"})
    ProgramItemFactory(forum=forum, kind="lunch", title={"az": "Nahar", "en": "Lunch"},
                       start=at(forum, 0, "13:00"), end=at(forum, 0, "14:00"))  # fmt: skip
    ProgramItemFactory(forum=forum, kind="break", room=hall, title={"az": "Qəhvə", "en": "Coffee <i>"},
                       start=at(forum, 0, "14:00"), end=at(forum, 0, "14:30"))  # fmt: skip
    return forum


@pytest.mark.parametrize("language", ["az", "en", "ru", "tr"])
def test_every_kind_of_entry_is_written_as_the_template_renders_it(program, language):
    forum = program
    with translation.override(language), timezone.override(forum.tz):
        context = _program_context(forum, QueryDict(f"day={forum.days[0].isoformat()}"), timezone.now())
        entries = context["layout"]["entries"]
        write = EntryWriter(forum)
        kinds = set()
        for entry in entries:
            expected = render_to_string("panels/_program_entry.html", {"entry": entry, "forum": forum})
            assert _normalized(write(entry)) == _normalized(expected), entry.obj
            kinds.add(
                "item"
                if entry.is_item
                else "cancelled"
                if entry.is_cancelled
                else "moved"
                if entry.moved_from
                else "panel"
            )
    assert kinds == {"item", "cancelled", "moved", "panel"}
    assert "/speakers/" in "".join(write(entry) for entry in entries)  # a public profile is linked
    assert len(entries) == 6  # four panels and two breaks


def test_the_program_page_shows_the_written_entries_escaped(client, program):
    client.cookies["django_language"] = "en"
    page = client.get(f"/forums/{program.slug}/program/?day={program.days[0].isoformat()}").content.decode()
    assert "Opening &lt;b&gt;&amp;&quot;&#x27;" in page and "<b>&" not in page
    assert "Coffee &lt;i&gt;" in page
    assert page.count('class="tt-entry') == 6
