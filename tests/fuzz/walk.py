"""What the fuzz tests share: the site's URLs from the resolver made concrete with the world's
objects and real tokens, the forms each page offers (parsed from its HTML), a snapshot of the
stored state, and the checks that every export is still valid."""

import csv
import io
import json
from html.parser import HTMLParser

from django.urls import URLPattern, URLResolver, get_resolver

# Not walked: Django's admin (its own fuzzed code; its login is walked below), media files, and the
# API's schema and docs pages (the API operations are fuzzed from that schema in test_api.py).
SKIPPED_PREFIXES = ("admin/", "api/", "^media/")
EXTRA_URLS = ["/admin/login/"]
# Query parameters any page reads (from request.GET in the views) plus a few it does not.
QUERY_NAMES = [
    "q", "state", "kind", "theme", "day", "room", "language", "status", "category", "page", "since", "forum",
    "foreign", "needs_visa", "needs_hotel", "ordering", "next", "checked_in", "panel", "format", "country",
]  # fmt: skip
PANEL_ACTIONS = ["schedule", "move", "unschedule", "publish", "cancel"]


def patterns():
    """(url name, route) of every URL the site serves, outside SKIPPED_PREFIXES."""
    found = []

    def walk(resolver, prefix="", namespace=""):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern, route, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern):
                found.append((namespace + (pattern.name or ""), pattern))

    walk(get_resolver())
    return found


def _pk_for(name, world):
    forum = world["forum"]
    known = {
        "speakers:detail": world["speaker"].pk,
        "speakers:organizer-invitation": world["invitation"].pk,
        "visas:invitation-letter": world["invitation"].pk,
        "visas:desk-invitation": world["invitation"].pk,
        "registration:organizer_cancel": world["registration"].pk,
        "notifications:outbox-resend": world["message"].pk,
        "notifications:outbox-cancel": world["message"].pk,
        "organizer:panel-edit": world["panel"].pk,
        "organizer:room-edit": forum.rooms.values_list("pk", flat=True).first(),
        "organizer:theme-edit": forum.themes.values_list("pk", flat=True).first(),
    }
    if name.startswith("registration:organizer"):
        return world["registration"].pk
    # A page of an object the world does not hold is still walked: it must answer 404, not fail.
    return known.get(name) or 1


# Parameters whose value no world object gives: a well-formed value that names nothing.
PLACEHOLDERS = {
    "uidb64": "MQ",
    "item_id": 1,
    "proposal_id": 1,
    "decision": "accept",
    "name": "visas/none.png",
    "code": "ABCDEFGHJK",
}


def _token_for(name, world):
    personal = name.startswith("speakers:") or name.startswith("visas:rsvp")
    return world["rsvp_token"] if personal else world["registration_token"]


def concrete_urls(world):
    """Every walked URL with its parameters filled from the world (real tokens included)."""
    from django.urls import reverse

    urls = []
    for name, pattern in patterns():
        keys = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
        kwargs = {}
        if "slug" in keys:
            kwargs["slug"] = world["forum"].slug
        if "panel_id" in keys:
            kwargs["panel_id"] = world["panel"].pk
        if "pk" in keys:
            kwargs["pk"] = _pk_for(name, world)
        if "token" in keys:
            kwargs["token"] = _token_for(name, world)
        if "speaker_id" in keys:
            kwargs["speaker_id"] = world["speaker"].pk
        kwargs.update({key: value for key, value in PLACEHOLDERS.items() if key in keys})
        if "kind" in keys:
            from panels.models import InfoPage

            for kind in InfoPage.Kind.values:
                urls.append(reverse(name, kwargs={**kwargs, "kind": kind}))
            continue
        if "action" in keys:
            for action in PANEL_ACTIONS:
                urls.append(reverse(name, kwargs={**kwargs, "action": action}))
            continue
        urls.append(reverse(name, kwargs=kwargs))
    return urls + EXTRA_URLS


class _Forms(HTMLParser):
    """The POST forms of a page: action, enctype, and fields with their default values."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = {
                    "action": attrs.get("action") or "",
                    "multipart": "multipart" in (attrs.get("enctype") or ""),
                    "fields": {},
                    "buttons": [],
                    "files": [],
                }
                self.forms.append(self._form)
            return
        if self._form is None or not attrs.get("name"):
            return
        name = attrs["name"]
        fields = self._form["fields"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self._form["files"].append(name)
            elif kind == "submit":
                self._form["buttons"].append((name, attrs.get("value") or ""))
            elif kind in {"checkbox", "radio"}:
                if "checked" in attrs or name not in fields:
                    fields.setdefault(name, [])
                    if "checked" in attrs or not fields[name]:
                        fields[name] = [attrs.get("value") or "on"]
            else:
                fields[name] = [attrs.get("value") or ""]
        elif tag == "button":
            self._form["buttons"].append((name, attrs.get("value") or ""))
        elif tag == "select":
            self._select = name
            fields[name] = []
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if "selected" in attrs or not fields[self._select]:
                fields[self._select] = [value]
        elif tag == "textarea":
            self._textarea = name
            fields[name] = [""]

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] = [data.strip()]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(html, page_url):
    """One submission per form and per named button, deduplicated by what it posts."""
    parser = _Forms()
    parser.feed(html)
    seen = set()
    submissions = []
    for form in parser.forms:
        action = form["action"] or page_url
        for button in form["buttons"] or [None]:
            fields = {name: list(values) for name, values in form["fields"].items()}
            if button:
                fields[button[0]] = [button[1]]
            key = (action, tuple(sorted((name, tuple(values)) for name, values in fields.items())))
            if key in seen:
                continue
            seen.add(key)
            submissions.append(
                {"action": action, "fields": fields, "files": form["files"], "multipart": form["multipart"]}
            )
    return submissions


SNAPSHOT_TABLES = {
    # table: the column that moves when a row changes
    "forum_forum": "updated_at",
    "forum_room": "updated_at",
    "forum_theme": "updated_at",
    "panels_panel": "updated_at",
    "panels_participation": "id",
    "panels_schedulechange": "id",
    "speakers_speaker": "updated_at",
    "speakers_invitation": "updated_at",
    "speakers_invitationpanel": "id",
    "speakers_availability": "id",
    "registration_registration": "updated_at",
    "notifications_outboxmessage": "updated_at",
}


def snapshot():
    """What rejected requests must leave as it is: row counts and latest changes of the stored
    data, in one query."""
    from django.db import connection

    parts = [f"(SELECT count(*) || '/' || coalesce(max({column})::text, '') FROM {table})"  # noqa: S608
             for table, column in SNAPSHOT_TABLES.items()]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return dict(zip(SNAPSHOT_TABLES, cursor.fetchone(), strict=True))


# --- exports -----------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def schemas_dir():
    from tests.panels.test_exports import schemas_dir as find

    return find()


def check_feeds(client, world):
    """Every export of the world is valid: frab XML against the schema, frab JSON against its JSON
    schema, every ICS parses, the Atom feed is well-formed, API answers are JSON."""
    import xml.etree.ElementTree as ET

    import jsonschema
    import xmlschema
    from icalendar import Calendar

    slug = world["forum"].slug
    xml = client.get(f"/forums/{slug}/schedule.xml")
    assert xml.status_code == 200
    xmlschema.XMLSchema(str(schemas_dir() / "frab-schedule.xsd")).validate(xml.content.decode())
    data = json.loads(client.get(f"/forums/{slug}/schedule.json").content)
    schema = json.loads((schemas_dir() / "frab-schedule.schema.json").read_text())
    jsonschema.validate(data, schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    ET.fromstring(client.get(f"/forums/{slug}/program/changes.atom").content)  # noqa: S314 (our own feed)
    for url in (
        f"/forums/{slug}/schedule.ics",
        f"/forums/{slug}/panels/{world['panel'].pk}.ics",
        f"/rsvp/{world['rsvp_token']}/schedule.ics",
        f"/registration/{world['registration_token']}/calendar.ics",
    ):
        response = client.get(url)
        if response.status_code == 200:
            Calendar.from_ical(response.content)
    for url in (f"/api/v1/panels/?forum={slug}", f"/api/v1/speakers/?forum={slug}", "/api/v1/organizer/speakers/"):
        json.loads(client.get(url).content)


def csv_exports(client, world):
    slug = world["forum"].slug
    bodies = {}
    for url in (
        f"/forums/{slug}/program.csv",
        f"/organizer/forums/{slug}/registrations/export.csv",
        f"/organizer/forums/{slug}/speakers/travel.csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content.decode("utf-8-sig")
    return bodies


def unsafe_cells(body):
    """Cells of a CSV a spreadsheet would run as a formula (or that start with a tab or CR)."""
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row if cell.startswith(FORMULA_STARTS)]
