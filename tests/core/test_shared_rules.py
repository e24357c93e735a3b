"""The rules every app shares, each written once in core/."""

import io

import pytest

from core import spreadsheets, tokens
from core.permissions import organizers_to_notify
from core.responses import private_link_headers
from tests.factories import OrganizerFactory, UserFactory


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_a_cell_that_would_run_as_a_formula_is_quoted(value):
    assert spreadsheets.safe_cell(value) == "'" + value


@pytest.mark.parametrize(("value", "text"), [(None, ""), (3, "3"), ("Baku", "Baku"), ("a=b", "a=b")])
def test_other_cells_keep_their_text(value, text):
    assert spreadsheets.safe_cell(value) == text


def test_the_csv_writer_neutralises_every_cell():
    buffer = io.StringIO()
    spreadsheets.writer(buffer).writerow(["=cmd", "ok", None])
    assert buffer.getvalue() == "'=cmd,ok,\r\n"


def test_a_token_is_long_random_and_only_its_hash_is_kept():
    raw, stored = tokens.new_token()
    assert len(raw) >= 43 and stored != raw and len(stored) == 64
    assert tokens.hash_token(raw) == stored
    assert tokens.new_token()[0] != raw


@pytest.mark.parametrize("value", [None, "", "short", "x" * 101, 42])
def test_what_cannot_be_a_token_hashes_to_no_stored_value(value):
    assert tokens.hash_token(value) == tokens.NO_MATCH


def test_private_link_pages_are_not_cached_indexed_or_leaked_as_referrer():
    from django.http import HttpResponse

    response = private_link_headers(HttpResponse())
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.django_db
def test_organizers_to_notify_are_the_group_members_and_the_configured_addresses(settings):
    settings.ORGANIZER_EMAILS = ["Desk@Forum.example", " "]
    OrganizerFactory(email="chair@forum.example")
    OrganizerFactory(email="desk@forum.example")
    OrganizerFactory(email="")
    UserFactory(email="visitor@forum.example")
    gone = OrganizerFactory(email="gone@forum.example")
    gone.is_active = False
    gone.save()
    assert organizers_to_notify() == ["chair@forum.example", "desk@forum.example"]
