"""Each app keeps the email templates of the kinds it sends; the outbox keeps only the layout.

The outbox renders ``notifications/email/<kind>.{subject.txt,txt,html}`` wherever Django's app
template loader finds it, so a kind's templates live in the app that sends it (speakers' schedule
changes in speakers/, not in panels/ or notifications/)."""

import collections
import pathlib

import pytest
from django.conf import settings

from notifications.models import OutboxMessage
from notifications.services import render_message

ROOT = pathlib.Path(settings.BASE_DIR)
FILES = sorted(
    path for path in ROOT.glob("*/templates/notifications/email/*") if ".venv" not in path.parts and path.is_file()
)
KINDS = sorted({path.name.split(".")[0] for path in FILES} - {"base"})
# The app that sends each kind (its services enqueue it) holds its templates.
OWNER_PREFIXES = {"speaker_": "speakers", "registration_": "registration", "organizer_": "organizer"}
OWNER_KINDS = {"schedule_changed": "speakers", "session_published": "speakers"}


def test_the_outbox_holds_only_the_layout():
    own = sorted(path.name for path in FILES if path.parts[len(ROOT.parts)] == "notifications")
    assert own == ["base.html", "base.txt"]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_its_three_templates_in_the_app_that_sends_it(kind):
    apps = collections.Counter(path.parts[len(ROOT.parts)] for path in FILES if path.name.split(".")[0] == kind)
    owner = OWNER_KINDS.get(kind) or next(app for prefix, app in OWNER_PREFIXES.items() if kind.startswith(prefix))
    assert apps == {owner: 3}


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_every_language(kind, language):
    message = OutboxMessage(kind=kind, language=language, context={"forum": {"name": "Forum"}})
    subject, text, html = render_message(message)
    assert subject.strip() or kind == "organizer_broadcast"  # a broadcast's subject is the organizer's
    assert text.strip() and "<html" in html.lower()
