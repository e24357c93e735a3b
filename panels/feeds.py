"""The Atom feed of the changes to a forum's published program (``/program/changes.atom``).

Entries come from ``selectors.public_schedule_changes``: never who made a change. Each entry's id
is a tag URI (RFC 4151) built from the site's host, the day of the change and the schedule change's
id, so it never changes between fetches. Titles and texts are in the visitor's language.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from . import selectors

# Enough for any edition's changelog; older entries stay on the changes page.
FEED_LIMIT = 200


def _host():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def change_tag(change):
    """The stable id of one schedule change: ``tag:<host>,<YYYY-MM-DD>:schedule-change/<id>``."""
    return f"tag:{_host()},{change.changed_at:%Y-%m-%d}:schedule-change/{change.id}"


def slot_text(slot):
    parts = []
    if slot.start:
        when = date_format(slot.start, "D, j E Y, H:i")
        if slot.end:
            when += "–" + time_format(slot.end, "H:i")
        parts.append(when)
    if slot.room:
        parts.append(slot.room)
    return ", ".join(parts) or "—"


class ScheduleChangesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, forum):
        return forum

    def title(self, forum):
        return _("Changes to the program of %(forum)s") % {"forum": forum.name}

    def subtitle(self, forum):
        return _(
            "Panels of the published program that were moved, cancelled or taken out of the program. "
            "All times are local to the forum (%(tz)s)."
        ) % {"tz": forum.timezone}

    def link(self, forum):
        return reverse("panels:changes", args=[forum.slug])

    def feed_guid(self, forum):
        return f"tag:{_host()},{forum.created_at:%Y-%m-%d}:forum/{forum.pk}/program-changes"

    def items(self, forum):
        rows = selectors.public_schedule_change_queryset(forum=forum)[:FEED_LIMIT]
        return selectors.describe_schedule_changes(rows)

    def item_title(self, change):
        return _("%(change)s: %(title)s") % {"change": change.kind_label, "title": change.title}

    def item_description(self, change):
        if change.after is not None:
            return _("Was: %(before)s. Now: %(after)s.") % {
                "before": slot_text(change.before),
                "after": slot_text(change.after),
            }
        return _("Was planned for: %(before)s.") % {"before": slot_text(change.before)}

    def item_link(self, change):
        return reverse("panels:changes", args=[change.forum.slug]) + f"#change-{change.id}"

    def item_guid(self, change):
        return change_tag(change)

    item_guid_is_permalink = False

    def item_updateddate(self, change):
        return change.changed_at

    def item_pubdate(self, change):
        return change.changed_at
