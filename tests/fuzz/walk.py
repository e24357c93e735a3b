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


# Every URL parameter of every walked route, filled from the world (tests/fuzz/conftest.py): a
# world key (its object's id, or the value itself for tokens, codes and names) or a list of
# literal values, each walked. A route parameter missing here fails the walk, so a new route is
# walked with real objects from the start, never with a placeholder that only reaches its 404.
# ``slug`` is the world's edition everywhere.
ROUTE_ARGS = {
    "organizer:password-reset-confirm": {"uidb64": "reset_uid", "token": "reset_token"},
    "organizer:room-edit": {"pk": "room"},
    "organizer:theme-edit": {"pk": "theme"},
    "organizer:panel-edit": {"pk": "panel"},
    "organizer:speaker-edit": {"speaker_id": "invited_speaker"},
    "organizer:speaker-invite": {"speaker_id": "uninvited_speaker"},
    "panels:info": {"kind": "info_kinds"},
    "panels:detail": {"panel_id": "panel"},
    "panels:panel-ics": {"panel_id": "panel"},
    "panels:organizer-item-action": {"item_id": "item", "action": ["move", "remove"]},
    "panels:proposal": {"proposal_id": "proposal"},
    "panels:proposal-decide": {"proposal_id": "proposal", "decision": ["accept", "accept-some", "discard"]},
    "panels:organizer-action": {"panel_id": "draft", "action": PANEL_ACTIONS},
    "speakers:detail": {"pk": "speaker"},
    "speakers:rsvp": {"token": "rsvp_token"},
    "speakers:rsvp-letter": {"token": "letter_rsvp_token"},
    "speakers:rsvp-calendar": {"token": "rsvp_token"},
    "speakers:organizer-invitation": {"pk": "invitation"},
    "speakers:organizer-letter": {"pk": "letter_invitation"},
    "visas:verify": {"code": "letter_code"},
    "visas:rsvp-letter": {"token": "letter_rsvp_token"},
    "visas:desk-invitation": {"pk": "letter_invitation"},
    "visas:letter-pdf": {"pk": "letter"},
    "visas:revoke": {"pk": "letter"},
    "visas:private-file": {"name": "letter_file"},
    "registration:confirm": {"token": "registration_token"},
    "registration:manage": {"token": "registration_token"},
    "registration:badge": {"token": "registration_token"},
    "registration:calendar": {"token": "registration_token"},
    "registration:cancel": {"token": "registration_token"},
    "registration:panels": {"token": "registration_token"},
    "registration:organizer_detail": {"pk": "registration"},
    "registration:organizer_cancel": {"pk": "registration"},
    "registration:organizer_action": {"pk": "registration", "action": ["resend", "category", "checkin"]},
    "notifications:outbox-resend": {"pk": "message"},
    "notifications:outbox-cancel": {"pk": "message"},
    "organizer:letters-signatory": {"pk": "signatory"},
    "organizer:job": {"pk": "job"},
    "organizer:job-status": {"pk": "job"},
    "organizer:job-file": {"pk": "job"},
    "visas:rsvp-letter-alias": {"token": "letter_rsvp_token"},
    "visas:invitation-letter": {"pk": "letter_invitation"},
    "registration:organizer_rehearsal": {"action": ["start", "end"]},
}


def _values(world, source):
    if isinstance(source, list):
        return source
    value = world[source]
    if isinstance(value, list):
        return value
    return [getattr(value, "pk", value)]


def route_kwargs(name, pattern, world):
    """Every combination of real values for the route's parameters (one per listed action or
    kind); a parameter the world cannot fill is an error naming the route."""
    keys = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
    sources = dict(ROUTE_ARGS.get(name, {}))
    if "slug" in keys:
        sources.setdefault("slug", "forum_slug")
    missing = keys - set(sources)
    if missing:
        raise LookupError(f"The fuzz walk has no real value for {sorted(missing)} of {name!r}: add it to ROUTE_ARGS")
    combinations = [{}]
    for key in sorted(keys):
        combinations = [{**done, key: value} for done in combinations for value in _values(world, sources[key])]
    return combinations


def concrete_urls(world):
    """Every walked URL with its parameters filled from the world (real ids, tokens and codes)."""
    from django.urls import reverse

    return [
        reverse(name, kwargs=kwargs) for name, pattern in patterns() for kwargs in route_kwargs(name, pattern, world)
    ] + EXTRA_URLS


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
