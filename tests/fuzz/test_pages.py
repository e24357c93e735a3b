"""Every page from the resolver, every GET filter and every form, fuzzed class by class.

For each class of hostile input (tests/fuzz/corpus.py) every walked URL is requested with every
query parameter set to each value, and every POST form found on the walked pages (personal-link
pages with real tokens, organizer pages signed in) is sent with each value in all of its fields
and, in turn, in one field while the others keep the page's own values. Asserted: no 5xx, a
rejected request (4xx) changes nothing stored, and the exports stay valid afterwards.
"""

from urllib.parse import urlencode

import pytest

from . import corpus
from .conftest import record
from .walk import QUERY_NAMES, check_feeds, concrete_urls, csv_exports, forms_on, snapshot, unsafe_cells

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
# Values per class sent to every page and form (the first ones of the corpus): bounds the run.
VALUES = 3


def _call(client, kind, method, url, **kwargs):
    before = snapshot()
    response = getattr(client, method)(url, **kwargs)
    record(kind, response)
    assert response.status_code < 500, (method, url, kwargs.get("data"), response.status_code)
    if response.status_code >= 400:
        assert snapshot() == before, f"{method.upper()} {url} answered {response.status_code} but changed data"
    return response


def _submissions(world):
    """Every POST form of the walked pages, and every route that only takes a POST whose form the
    world's state does not show (a publish button needs a scheduled panel, a resend one a failed
    message): those are posted to directly, with the field names any page reads."""
    client = world["client"]
    found = []
    post_only = []
    for url in concrete_urls(world):
        response = client.get(url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            found += forms_on(response.content.decode(), url)
        elif response.status_code == 405:
            post_only.append(url)
    targets = {submission["action"] for submission in found}
    for url in post_only:
        if url not in targets:
            fields = {name: [""] for name in QUERY_NAMES}
            found.append({"action": url, "fields": fields, "files": [], "multipart": False})
    seen = set()
    unique = []
    for submission in found:
        key = (submission["action"], tuple(sorted(submission["fields"])), submission["fields"].get("action", [""])[0])
        if key not in seen:
            seen.add(key)
            unique.append(submission)
    return unique


def _post_variants(submission, value):
    """The form with ``value`` in every editable field, then in each field in turn."""
    fixed = {"csrfmiddlewaretoken", "action"}
    editable = [name for name in submission["fields"] if name not in fixed]
    yield {**submission["fields"], **{name: [value] for name in editable}}
    for name in editable:
        yield {**submission["fields"], name: [value]}


@pytest.mark.parametrize("kind", sorted(corpus.CLASSES))
def test_no_page_or_filter_fails_on_hostile_query_values(world, kind):
    client = world["client"]
    for url in concrete_urls(world):
        # Reading a page changes nothing: checked once per page, around all its requests.
        before, rejected = snapshot(), True
        values = corpus.CLASSES[kind][: 1 if url.endswith(".pdf") else VALUES]
        for value in values:
            query = urlencode([(name, value) for name in QUERY_NAMES])
            response = client.get(f"{url}?{query}")
            record(f"GET {kind}", response)
            assert response.status_code < 500, (url, value, response.status_code)
            rejected = rejected and response.status_code >= 400
        if rejected:
            assert snapshot() == before, f"GET {url} was refused but changed data"
    check_feeds(client, world)


@pytest.mark.parametrize("kind", sorted(corpus.CLASSES))
def test_no_form_fails_or_half_writes_on_hostile_values(world, kind):
    client = world["client"]
    submissions = _submissions(world)
    assert len(submissions) > 20, [s["action"] for s in submissions]
    for submission in submissions:
        for value in corpus.CLASSES[kind][:VALUES]:
            for data in _post_variants(submission, value):
                _call(client, f"POST {kind}", "post", submission["action"], data=data)
    check_feeds(client, world)


def test_no_personal_link_fails_on_a_hostile_token(world):
    client = world["client"]
    tokens = [*corpus.CONTROL, *corpus.NUMBERS[:4], *corpus.TEXT[3:], "%", "%00", "..", "a" * 5000]
    for url in concrete_urls(world):
        for real in (world["rsvp_token"], world["registration_token"]):
            if real not in url:
                continue
            for token in tokens:
                from urllib.parse import quote

                hostile = url.replace(real, quote(token, safe=""))
                _call(client, "GET token", "get", hostile)
                _call(client, "POST token", "post", hostile, data={"action": "respond"})


def test_a_body_in_another_charset_is_refused_on_every_form(world):
    client = world["client"]
    for submission in _submissions(world):
        body = urlencode({name: values[0] if values else "" for name, values in submission["fields"].items()})
        for charset in corpus.CHARSETS:
            before = snapshot()
            response = client.generic(
                "POST",
                submission["action"],
                body.encode(),
                content_type=f"application/x-www-form-urlencoded; charset={charset}",
            )
            record("POST charset", response)
            assert response.status_code == 400, (submission["action"], charset, response.status_code)
            assert snapshot() == before


def test_no_upload_path_stores_a_hostile_file(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world["client"]
    uploads = [s for s in _submissions(world) if s["files"]]
    assert uploads, "no form with a file field was found"
    for submission in uploads:
        for name, content in corpus.uploads():
            data = {**submission["fields"]}
            for field in submission["files"]:
                data[field] = SimpleUploadedFile(name, content)
            _call(client, "POST upload", "post", submission["action"], data=data)
    world["speaker"].refresh_from_db()
    assert not world["speaker"].photo


def test_stored_control_characters_never_break_an_export(world):
    """Data written before the rule (or by a shell) is cleaned on the way out."""
    from panels.models import Panel

    Panel.objects.filter(pk=world["panel"].pk).update(title="Pasted\x0bfrom\x1bWord\ufffe", description="\x0c")
    world["room"].__class__.objects.filter(pk=world["room"].pk).update(name="Hall\x0b")
    check_feeds(world["client"], world)


def test_every_csv_cell_a_hostile_value_reaches_is_neutralised(world):
    """CSV-injection values stored in names, organizations and titles come out of every CSV
    export neutralised (a leading quote, core/spreadsheets.py)."""
    from panels.models import Panel
    from tests.factories import register_attendee

    client = world["client"]
    unsafe = {}
    for value in corpus.CSV_INJECTION:
        register_attendee(world["forum"], first_name=value.strip(), organization=value.strip())
        # Panel titles come from the admin; what matters here is what is stored.
        Panel.objects.filter(pk=world["panel"].pk).update(title_az=value, title_en=value)
        for url, body in csv_exports(client, world).items():
            unsafe.setdefault(url, set()).update(unsafe_cells(body))
    assert not any(unsafe.values()), unsafe


def test_the_walk_reaches_every_route_with_real_objects(world):
    """Each walked URL, filled from the world, opens its page or answers its own way (a redirect,
    405 for an action taken by POST only): no URL of the walk is a 404 that would keep the hostile
    values above from reaching the view behind it."""
    client = world["client"]
    statuses = {}
    for url in concrete_urls(world):
        response = client.get(url)
        record("GET plain", response)
        statuses[url] = response.status_code
    assert not {url: status for url, status in statuses.items() if status == 404 or status >= 500}


def test_every_action_taken_by_post_is_fuzzed(world):
    """The routes that only take a POST (an action, not a page) get their hostile values through
    the forms of the walked pages, or directly when no walked page shows their form: none is left
    out of the form fuzz above."""
    client = world["client"]
    post_only = {url for url in concrete_urls(world) if client.get(url).status_code == 405}
    targets = {submission["action"] for submission in _submissions(world)}
    assert post_only - targets == set()
