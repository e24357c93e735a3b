"""The outbox asks the apps above it through signals: what each kind is called, which context keys
hold a personal link, and a fresh link for a resend. Each app answers only for its own kinds."""

import pytest
from django.dispatch import receiver
from django.utils import translation

from notifications import kinds, services, signals
from notifications.models import OutboxMessage


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("speaker_invitation", "Invitation to speak"),
        ("schedule_changed", "A session moved or was cancelled"),
        ("session_published", "A session's time"),
        ("registration_confirmed", "Registration confirmed"),
        ("organizer_digest", "Organizers' daily digest"),
        ("no_such_kind", "no_such_kind"),
    ],
)
def test_every_app_names_its_own_kinds(kind, label):
    with translation.override("en"):
        assert kinds.kind_label(kind) == label
        assert kinds.kind_choices([kind]) == [(kind, label)]


def test_the_names_follow_the_reader_language():
    with translation.override("ru"):
        assert kinds.kind_label("registration_confirmed") != "Registration confirmed"


@pytest.mark.parametrize(
    ("kind", "keys"),
    [
        ("speaker_invitation", ("rsvp_url",)),
        ("speaker_link", ("rsvp_url",)),
        ("registration_confirm_email", ("manage_url", "confirm_url")),
        ("organizer_password_reset", ("reset_url",)),
        ("organizer_digest", ()),
        ("schedule_changed", ()),
        ("registration_cancelled", ()),
    ],
)
def test_only_the_app_that_sends_a_kind_names_its_personal_links(kind, keys):
    assert services.personal_link_keys(kind) == keys


def test_a_new_app_joins_by_answering_the_signals_alone():
    @receiver(signals.kind_labels, dispatch_uid="tests.kind_labels")
    def name(sender, **kwargs):
        return {"tests_kind": "A test kind"}

    @receiver(signals.personal_link_keys, dispatch_uid="tests.personal_link_keys")
    def keys(sender, *, kind, **kwargs):
        return ("secret_url",) if kind == "tests_kind" else None

    try:
        message = OutboxMessage(kind="tests_kind", context={"secret_url": "https://x.test/t/abc", "name": "Ines"})
        assert kinds.kind_label("tests_kind") == "A test kind"
        assert services.scrubbed_context(message) == {"secret_url": services.REDACTED_LINK, "name": "Ines"}
    finally:
        signals.kind_labels.disconnect(dispatch_uid="tests.kind_labels")
        signals.personal_link_keys.disconnect(dispatch_uid="tests.personal_link_keys")
    assert kinds.kind_label("tests_kind") == "tests_kind"
    assert services.scrubbed_context(message) is None
