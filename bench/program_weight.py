"""Bytes of the public program page at 500 published panels (two speakers each, seven rooms, two
days), as an attendee's browser receives it, plain and gzipped. Not a `make bench` scenario (it
measures size, not speed); run it on a scratch SQLite database with the cache off:

    SQLITE_PATH=/tmp/weight.sqlite3 PROGRAM_CACHE_TIMEOUT=0 .venv/bin/python bench/program_weight.py

The same script run on an older checkout gives the figure to compare with (docs/program.md).
"""

import datetime
import gzip
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from panels.models import Panel, Participation  # noqa: E402
from tests.factories import ForumFactory, RoomFactory, SpeakerFactory  # noqa: E402

PANELS = 500


def main():
    call_command("migrate", verbosity=0)
    forum = ForumFactory()
    rooms = [RoomFactory(forum=forum, order=index) for index in range(7)]
    themes = list(forum.themes.all())
    speakers = [SpeakerFactory(organization="National CERT") for _ in range(6)]
    slots = [
        (room, forum.local_datetime(day, forum.day_opens_at) + datetime.timedelta(minutes=15 * index))
        for day in forum.days
        for room in rooms
        for index in range(36)
    ]
    now = timezone.now()
    panels = Panel.objects.bulk_create(
        Panel(
            forum=forum, theme=themes[index % len(themes)], room=room, title=f"Panel {index}",
            title_az=f"Panel {index}", title_en=f"Panel {index}", start=start,
            end=start + datetime.timedelta(minutes=15), status=Panel.Status.PUBLISHED, published_at=now,
        )
        for index, (room, start) in enumerate(slots[:PANELS])
    )  # fmt: skip
    Participation.objects.bulk_create(
        Participation(panel=panel, speaker=speakers[(index + offset) % len(speakers)], order=offset)
        for index, panel in enumerate(panels)
        for offset in range(2)
    )
    client = Client()
    url = f"/forums/{forum.slug}/program/"
    pages = [("default", {})] + [(f"day {n}", {"day": day.isoformat()}) for n, day in enumerate(forum.days, 1)]
    for label, params in pages:
        body = client.get(url, params).content
        print(f"{label}: {len(body)} bytes, {len(gzip.compress(body))} gzipped")


if __name__ == "__main__":
    main()
