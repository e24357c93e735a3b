"""Importing speakers from CSV or XLSX, with a dry run that writes nothing."""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core import text as text_rules

from ..errors import SpeakerError
from ..models import (
    Invitation,
    Speaker,
)
from .invitations import create_invitation
from .profiles import create_speaker, update_speaker

# --- import -----------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    "first_name", "last_name", "first_name_latin", "last_name_latin", "honorific", "position", "organization",
    "country", "email", "phone", "preferred_language", "bio",
]  # fmt: skip
REQUIRED_COLUMNS = {"first_name", "last_name", "country", "email"}


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    invitations: int = 0
    errors: list = field(default_factory=list)  # [(row number, {column: message})]

    @property
    def ok(self):
        return not self.errors


def _read_table(*, content, filename):
    import tablib

    name = (filename or "").lower()
    try:
        if name.endswith(".xlsx"):
            dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        elif name.endswith(".csv"):
            text = content.decode("utf-8-sig")
            dataset = tablib.Dataset().load(text, format="csv")
        else:
            raise SpeakerError(_("Upload a .csv or .xlsx file."), code="import_format", fields={"file": ["format"]})
    except UnicodeDecodeError as exc:
        raise SpeakerError(
            _("The CSV file must be UTF-8."), code="import_format", fields={"file": ["encoding"]}
        ) from exc
    except SpeakerError:
        raise
    except Exception as exc:
        raise SpeakerError(_("The file could not be read as a table."), code="import_format") from exc
    headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
    missing = REQUIRED_COLUMNS - set(headers)
    if missing:
        raise SpeakerError(
            _("Missing columns: %s.") % ", ".join(sorted(missing)), code="import_columns", fields={"file": ["columns"]}
        )
    rows = []
    for values in dataset:
        row = {h: ("" if v is None else str(v).strip()) for h, v in zip(headers, values, strict=False) if h}
        if any(row.values()):
            rows.append(row)
    return rows


def _validate_import_row(row, seen_emails):
    from django_countries import countries

    errors = {}
    for column in REQUIRED_COLUMNS:
        if not row.get(column):
            errors[column] = _("This column is required.")
    # The rule for every text the forum accepts (core/text.py), checked in the dry run too.
    errors.update({column: str(text_rules.MESSAGE) for column, value in row.items() if text_rules.has_forbidden(value)})
    if "email" in errors:
        return errors
    email = row.get("email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Not a valid email address.")
        if email in seen_emails:
            errors["email"] = _("This email appears twice in the file.")
        seen_emails.add(email)
    country = row.get("country", "").upper()
    if country and country not in dict(countries):
        errors["country"] = _("Use a two-letter ISO country code, such as AZ or DE.")
    language = row.get("preferred_language", "").lower()
    if language and language not in settings.LANGUAGE_CODES:
        errors["preferred_language"] = _("Use one of: %s.") % ", ".join(settings.LANGUAGE_CODES)
    honorific = row.get("honorific", "").lower().rstrip(".")
    if honorific and honorific not in Speaker.Honorific.values:
        errors["honorific"] = _("Use one of: %s.") % ", ".join(v for v in Speaker.Honorific.values if v)
    for column, limit in (("first_name", 100), ("last_name", 100), ("organization", 200), ("phone", 40)):
        if len(row.get(column, "")) > limit:
            errors[column] = _("At most %(n)s characters.") % {"n": limit}
    return errors


def import_speakers(*, forum, content, filename, dry_run=True, create_invitations=True, by=None, now=None):
    """Import speakers from CSV or XLSX. Every row is checked first; one bad row imports nothing.

    Rows whose email already exists update that speaker. With ``create_invitations``, each imported
    speaker gets a draft invitation to ``forum`` (unless they already have one).
    """
    rows = _read_table(content=content, filename=filename)
    result = ImportResult(dry_run=dry_run, rows=len(rows))
    seen = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        errors = _validate_import_row(row, seen)
        if errors:
            result.errors.append((number, errors))
    if not rows:
        result.errors.append((1, {"file": _("The file has no rows.")}))
    existing = {
        s.email.lower(): s
        for s in Speaker.objects.filter(
            email__in=[r.get("email", "").lower() for r in rows if not text_rules.has_forbidden(r.get("email", ""))]
        )
    }
    invited = set(
        Invitation.objects.filter(forum=forum, speaker__in=existing.values()).values_list("speaker_id", flat=True)
    )
    for row in rows:
        if row.get("email", "").lower() in existing:
            result.updated += 1
        else:
            result.created += 1
    if result.errors or dry_run:
        if result.errors:
            result.created = result.updated = 0
        return result
    try:
        with transaction.atomic():
            for number, row in enumerate(rows, start=2):
                fields = {column: row[column] for column in IMPORT_COLUMNS if row.get(column)}
                fields["email"] = fields["email"].lower()
                fields["country"] = fields["country"].upper()
                if "honorific" in fields:
                    fields["honorific"] = fields["honorific"].lower().rstrip(".")
                if "preferred_language" in fields:
                    fields["preferred_language"] = fields["preferred_language"].lower()
                speaker = existing.get(fields["email"])
                try:
                    speaker = create_speaker(**fields) if speaker is None else update_speaker(speaker=speaker, **fields)
                    if create_invitations and speaker.pk not in invited:
                        create_invitation(forum=forum, speaker=speaker, invited_by=by, now=now)
                        invited.add(speaker.pk)
                        result.invitations += 1
                except SpeakerError as exc:
                    result.errors.append((number, exc.fields or {"row": exc.message}))
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = result.updated = result.invitations = 0
    return result


class _Rollback(Exception):
    pass
