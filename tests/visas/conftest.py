"""Helpers for the visas tests: private files in a temporary folder, an accepted foreign speaker."""

import pytest
from django.utils import translation

from speakers import services as speaker_services
from tests.factories import InvitationFactory, SpeakerFactory, applicant_input, inviting_organization
from visas import services


@pytest.fixture(autouse=True)
def _isolated_private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are read in English: services run under it, and pages get the language cookie
    (the site's default language is Azerbaijani)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def accepted_invitation(forum, **speaker_fields):
    speaker_fields.setdefault("country", "DE")
    invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory(**speaker_fields))
    speaker_services.send_invitation(invitation=invitation)
    speaker_services.accept_invitation(invitation=invitation)
    invitation.refresh_from_db()
    return invitation


@pytest.fixture
def organization(forum):
    return inviting_organization(forum)


@pytest.fixture
def invitation(forum):
    return accepted_invitation(forum, first_name="Anna", last_name="Weber", honorific="dr")


@pytest.fixture
def ready_invitation(invitation, organization, forum):
    """Accepted, with passport data and a signing organization: a letter can be issued."""
    services.save_applicant(invitation=invitation, **applicant_input(forum))
    return invitation
