"""schemathesis against the live OpenAPI document, with every check (tests/api/schemathesis.toml).

Checked for every operation: no 5xx; documented status codes, content types, headers and bodies;
every schema-violating request (negative data: wrong types, values out of range, unknown fields,
control characters, malformed ids...) refused with a 4xx; every schema-valid one accepted (or 404
for a missing record, 409 for a conflict, 429 when throttled); auth honoured; unsupported methods
refused. Four passes:

* anonymous: every operation, in the examples, coverage (every boundary value of every
  parameter) and fuzzing phases; organizer operations must answer 401, personal links are tried
  with real tokens half of the time;
* organizer: the operations that need an account, with a token, with half of the generated ids,
  editions, panels and speakers replaced by real ones so the fuzz reaches the services;
* stateful, anonymous and as an organizer: sequences that follow the links between operations
  (an id a list or a creation answers, used by the next call), with the stateful checks
  (a created record can be read, a deleted one is gone).

The run is bounded and derandomized (the same requests each time) so it fits CI on PostgreSQL.
Every request sent is counted by operation and status; the counts are printed at the end of the
session (tests/api/conftest.py).
"""

import datetime
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from config.wsgi import application

from .conftest import record_response

CONFIG_TEXT = (Path(__file__).parent / "schemathesis.toml").read_text()
ANONYMOUS_EXAMPLES = 12
ORGANIZER_EXAMPLES = 12
STATEFUL_SCENARIOS = 20
STATEFUL_STEPS = 6
SETTINGS = {"deadline": None, "derandomize": True, "suppress_health_check": list(HealthCheck), "database": None}


def _schema():
    # A configuration of its own for each schema, so one pass's settings never leak into another's.
    config = SchemathesisConfig.from_str(CONFIG_TEXT)
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)


def _public(ctx):
    return {} in ctx.operation.definition.raw.get("security", [{}])


# The organizer's token of the running test (made by the organizer_world fixture).
ORGANIZER_TOKEN = {"key": None}


class OrganizerToken:
    """An auth provider, so schemathesis knows the credentials and also checks that the operations
    refuse the request without them (or with wrong ones)."""

    def get(self, case, context):
        return ORGANIZER_TOKEN["key"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


schema = _schema()
# A schema of its own, so its settings stay apart: examples and random fuzzing only. The coverage
# phase (every boundary value of every parameter, unbounded by max_examples) runs in the
# anonymous pass, where it also reaches these operations.
# (`exclude`, not `include`: the `[[operations]]` entries of the configuration already select
# every operation, and an included filter would only add to that.)
organizer_schema = _schema().exclude(_public)
organizer_schema.config.phases.coverage.enabled = False
organizer_schema.auth(refresh_interval=None)(OrganizerToken)


@pytest.fixture(autouse=True)
def _no_throttles_in_the_way(settings):
    """Thousands of requests from one address: the throttles would answer most of them 429 and
    keep the fuzz from the views (the limits have their own tests in tests/security)."""
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates, "1000000/hour"),
    }
    settings.RSVP_RATE_LIMIT = settings.REGISTRATION_LINK_RATE = "1000000/h"
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _keep_test_connection_open():
    """The WSGI app closes "old" connections after each request, which would close the test's
    transaction; Django's own test client suspends that the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def published_data(db):
    """A public edition open for registration, with a room, a published panel that moved (so the
    public lists of panels and of schedule changes answer with real entries), an accepted speaker
    with an RSVP link and a registration with its personal link."""
    from panels import services as panel_services
    from speakers import services as speaker_services
    from tests.factories import ForumFactory, InvitationFactory, PanelFactory, RoomFactory, SpeakerFactory

    forum = ForumFactory(slug="demo")
    RoomFactory(forum=forum, order=1)
    panel = PanelFactory(forum=forum)
    start = forum.local_datetime(forum.start_date, datetime.time(14, 0))
    room = RoomFactory(forum=forum, order=2)
    panel_services.schedule_panel(panel=panel, room=room, start=start, end=start + datetime.timedelta(hours=1))
    panel_services.publish_panel(panel=panel)
    panel_services.move_panel(panel=panel, room=room, start=start, end=start + datetime.timedelta(minutes=45))
    invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory(publish_consent=True))
    speaker_services.send_invitation(invitation=invitation)
    rsvp_token = speaker_services.issue_token(invitation, invitation.sent_at)
    speaker_services.accept_invitation(invitation=invitation)
    from tests.factories import register_attendee

    registration_token = register_attendee(forum).raw_token
    return {
        "forum": forum,
        "panel": panel,
        "tokens": {"/api/v1/rsvp/": rsvp_token, "/api/v1/registration-manage/": registration_token},
    }


def _positive_at(case, location):
    meta = case.meta
    return meta is None or not meta.is_negative_at(location)


def _even(value):
    return (value if isinstance(value, int) and not isinstance(value, bool) else len(str(value))) % 2 == 0


def _aim_at_real_objects(case, world):
    """Replace generated ids, tokens, edition slugs and panel, speaker and room ids by real ones
    when the generated value is even (or its length is), so both missing and existing records are
    exercised. Only in parts of the request generated as valid: a value made invalid on purpose
    stays as it is, so a refusal is still expected for it."""
    parameters = case.path_parameters or {}
    if parameters and _positive_at(case, ParameterLocation.PATH):
        for prefix, value in world.get("ids", {}).items():
            if case.path.startswith(prefix) and "id" in parameters and _even(parameters["id"]):
                parameters["id"] = value
        for prefix, value in world.get("tokens", {}).items():
            if case.path.startswith(prefix) and "token" in parameters and _even(parameters["token"]):
                parameters["token"] = value
    references = world.get("references", {})
    for container, location in ((case.query, ParameterLocation.QUERY), (case.body, ParameterLocation.BODY)):
        if not isinstance(container, dict) or not _positive_at(case, location):
            continue
        for name, value in references.items():
            if name in container and _even(container[name]):
                container[name] = value


@pytest.fixture
def anonymous_world(published_data):
    return {
        "tokens": published_data["tokens"],
        "references": {"forum": published_data["forum"].slug, "panel": published_data["panel"].pk},
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=ANONYMOUS_EXAMPLES, **SETTINGS)
def test_api_operation_conforms_to_its_schema(case, anonymous_world):
    _aim_at_real_objects(case, anonymous_world)
    response = case.call()
    record_response("anonymous", case, response)
    case.validate_response(response)


@pytest.fixture
def organizer_world(published_data):
    """An organizer's token and one real object behind each organizer route."""
    from rest_framework.authtoken.models import Token

    from notifications import services as notification_services
    from panels import services as panel_services
    from tests.factories import InvitationFactory, OrganizerFactory, PanelFactory, SpeakerFactory

    forum = published_data["forum"]
    panel = PanelFactory(forum=forum)
    start = forum.local_datetime(forum.start_date, datetime.time(10, 0))
    panel_services.schedule_panel(
        panel=panel, room=forum.rooms.first(), start=start, end=start + datetime.timedelta(hours=1)
    )
    speaker = SpeakerFactory()
    invitation = InvitationFactory(forum=forum, speaker=speaker)
    message = notification_services.enqueue(
        kind="registration_confirmation", recipient="fuzz@example.org", language="en", context={}, dedupe_key="fuzz"
    )
    token = Token.objects.create(user=OrganizerFactory())
    ORGANIZER_TOKEN["key"] = token.key
    yield {
        "token": token.key,
        "ids": {
            "/api/v1/panels/": panel.pk,
            "/api/v1/organizer/speakers/": speaker.pk,
            "/api/v1/organizer/invitations/": invitation.pk,
            "/api/v1/outbox/": message.pk,
        },
        "references": {
            "forum": forum.slug,
            "panel": panel.pk,
            "speaker": speaker.pk,
            "room": forum.rooms.first().pk,
        },
    }
    ORGANIZER_TOKEN["key"] = None


@pytest.mark.django_db
@organizer_schema.parametrize()
@settings(max_examples=ORGANIZER_EXAMPLES, **SETTINGS)
def test_organizer_operation_conforms_to_its_schema(case, organizer_world):
    _aim_at_real_objects(case, organizer_world)
    response = case.call()
    record_response("organizer", case, response)
    case.validate_response(response)


# --- stateful: sequences along the links between operations ------------------------------------


def _state_machine(name, *, organizer=False):
    machine_schema = _schema()
    if organizer:
        machine_schema.auth(refresh_interval=None)(OrganizerToken)

    class Machine(machine_schema.as_state_machine()):
        """Each scenario starts from the same world: what it wrote is rolled back at its end (a
        savepoint inside the test's transaction), so a scenario hypothesis replays to shrink a
        failure meets the data it met the first time."""

        def setup(self):
            from django.core.cache import cache
            from django.db import transaction

            super().setup()
            cache.clear()
            self.savepoint = transaction.savepoint()

        def teardown(self):
            from django.db import transaction

            transaction.savepoint_rollback(self.savepoint)
            super().teardown()

        def after_call(self, response, case):
            super().after_call(response, case)
            record_response(name, case, response)

    return Machine


STATEFUL_SETTINGS = settings(max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS, **SETTINGS)


@pytest.mark.django_db
def test_anonymous_sequences_along_the_links(anonymous_world):
    _state_machine("stateful anonymous").run(settings=STATEFUL_SETTINGS)


@pytest.mark.django_db
def test_organizer_sequences_along_the_links(organizer_world):
    _state_machine("stateful organizer", organizer=True).run(settings=STATEFUL_SETTINGS)
