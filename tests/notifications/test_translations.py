"""Every string of every email template (all kinds, all apps) has an Azerbaijani, Russian and
Turkish translation, so no message goes out half in English."""

import ast
import pathlib
import re

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = pathlib.Path(settings.BASE_DIR)
TEMPLATES = sorted(
    path
    for path in ROOT.glob("*/templates/**/email/*")
    if path.suffix in {".txt", ".html"} and ".venv" not in path.parts
)
# templatize() (what makemessages uses) turns {% translate %} and {% blocktranslate %} into
# gettext(<Python string literal>) calls.
GETTEXT_RE = re.compile(r"""\bgettext\((u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))\)""")


def _msgids(path):
    source = templatize(path.read_text())
    assert not re.search(r"\b(?:n|p|np)gettext\(", source), "plural or context forms: extend this test"
    return sorted({ast.literal_eval(match.group(1)) for match in GETTEXT_RE.finditer(source)})


def test_the_email_templates_are_found():
    names = {path.name for path in TEMPLATES}
    for kind in ("registration_cancelled", "registration_cancelled_by_organizer", "registration_hold_expired",
                 "registration_confirmed", "registration_panel_changed", "speaker_invitation",
                 "organizer_digest"):  # fmt: skip
        assert {f"{kind}.subject.txt", f"{kind}.txt", f"{kind}.html"} <= names
    assert _msgids(ROOT / "registration/templates/notifications/email/registration_cancelled.subject.txt") == [
        "Your registration is cancelled: %(forum_name)s"
    ]


@pytest.mark.parametrize("language", ["az", "ru", "tr"])
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_email_template_string_is_translated(path, language):
    with translation.override(language):
        missing = [msgid for msgid in _msgids(path) if translation.gettext(msgid) == msgid]
    assert missing == []
