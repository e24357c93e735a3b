"""Importing speakers from CSV or XLSX, with a dry run that writes nothing."""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import text as text_rules

from ..errors import SpeakerError
from ..models import (
    Speaker,
)
from .invitations import check_draft_deadline, create_draft_invitations
from .profiles import build_speaker, save_new_speakers, update_speaker

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
    outcomes: list = field(default_factory=list)  # [(row number, email, name, "created"|"updated", invited)]

    @property
    def ok(self):
        return not self.errors

    def as_dict(self):
        """JSON for a background job's result page."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "invitations": self.invitations,
            "errors": [[number, problems] for number, problems in self.errors],
            "outcomes": [list(outcome) for outcome in self.outcomes],
        }


class _NoProgress:
    def start(self, total, message=None):
        pass

    def advance(self, count=1, message=None):
        pass

    def note(self, message):
        pass


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


def _country_codes():
    from django_countries import countries

    return {code for code, _name in countries}


def _validate_import_row(row, seen_emails, country_codes):
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
    if country and country not in country_codes:
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


IMPORT_BATCH = 500


def import_speakers(
    *, forum, content, filename, dry_run=True, create_invitations=True, by=None, now=None, progress=None
):
    """Import speakers from CSV or XLSX. Every row is checked first; one bad row imports nothing.

    Rows whose email already exists update that speaker. With ``create_invitations``, each imported
    speaker gets a draft invitation to ``forum`` (unless they already have one). The dry run
    writes nothing and is quick (a few queries whatever the size), so pages run it in the request;
    the import itself runs in a background job (:func:`start_import`) and reports to
    ``progress`` (``start``/``advance``/``note``) as it goes, 500 rows at a time.
    """
    progress = progress or _NoProgress()
    progress.note(_("Checking the file"))
    rows = _read_table(content=content, filename=filename)
    result = ImportResult(dry_run=dry_run, rows=len(rows))
    seen, country_codes = set(), _country_codes()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        errors = _validate_import_row(row, seen, country_codes)
        if errors:
            result.errors.append((number, errors))
    if not rows:
        result.errors.append((1, {"file": _("The file has no rows.")}))
    if rows and create_invitations:
        try:  # a forum too close (or past) to invite anyone: said now, not after the last row
            check_draft_deadline(forum=forum, now=now)
        except SpeakerError as exc:
            result.errors.append((1, {"file": exc.message}))
    emails = [r.get("email", "").lower() for r in rows if not text_rules.has_forbidden(r.get("email", ""))]
    existing = {s.email.lower(): s for s in Speaker.objects.annotate(address=Lower("email")).filter(address__in=emails)}
    for row in rows:
        if row.get("email", "").lower() in existing:
            result.updated += 1
        else:
            result.created += 1
    if result.errors or dry_run:
        if result.errors:
            result.created = result.updated = 0
        return result
    result.created = result.updated = 0
    progress.start(len(rows), _("Importing"))
    try:
        with transaction.atomic():
            numbered = list(enumerate(rows, start=2))
            for first in range(0, len(numbered), IMPORT_BATCH):
                batch = numbered[first : first + IMPORT_BATCH]
                _import_batch(batch, forum=forum, existing=existing, result=result,
                              create_invitations=create_invitations, by=by, now=now)  # fmt: skip
                progress.advance(len(batch))
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = result.updated = result.invitations = 0
        result.outcomes = []
    return result


def _import_fields(row):
    fields = {column: row[column] for column in IMPORT_COLUMNS if row.get(column)}
    fields["email"] = fields["email"].lower()
    fields["country"] = fields["country"].upper()
    if "honorific" in fields:
        fields["honorific"] = fields["honorific"].lower().rstrip(".")
    if "preferred_language" in fields:
        fields["preferred_language"] = fields["preferred_language"].lower()
    return fields


def _import_batch(batch, *, forum, existing, result, create_invitations, by, now):
    """Up to 500 rows: known emails updated one by one, new speakers saved together, then their
    draft invitations together. Errors are collected per row; the caller rolls back on any."""
    imported, new = [], []  # (number, speaker, "created" | "updated")
    for number, row in batch:
        fields = _import_fields(row)
        speaker = existing.get(fields["email"])
        try:
            if speaker is None:
                new.append((number, build_speaker(**fields)))
            else:
                imported.append((number, update_speaker(speaker=speaker, **fields), "updated"))
        except SpeakerError as exc:
            result.errors.append((number, _row_problems(exc)))
    if new and not result.errors:
        try:
            save_new_speakers([speaker for _number, speaker in new])
        except SpeakerError as exc:
            result.errors.extend((number, _row_problems(exc)) for number, _speaker in new)
        else:
            imported.extend((number, speaker, "created") for number, speaker in new)
    if result.errors:
        return
    invited = set()
    if create_invitations:
        created = create_draft_invitations(
            forum=forum, speakers=[speaker for _number, speaker, _action in imported], invited_by=by, now=now
        )
        invited = {invitation.speaker_id for invitation in created}
        result.invitations += len(created)
    for number, speaker, action in sorted(imported, key=lambda item: item[0]):
        setattr(result, action, getattr(result, action) + 1)
        result.outcomes.append((number, speaker.email, speaker.full_name, action, speaker.pk in invited))


def _row_problems(exc):
    """{column: message} of a refused row (a single field's entry may be a code: its message is the error's)."""
    if not exc.fields:
        return {"row": exc.message}
    if len(exc.fields) == 1:
        return dict.fromkeys(exc.fields, exc.message)
    return {column: "; ".join(str(m) for m in messages) for column, messages in exc.fields.items()}


class _Rollback(Exception):
    pass


# --- the import as a background job -------------------------------------------------------------

IMPORT_JOB = "speaker_import"


def start_import(*, forum, content, filename, create_invitations=True, by=None):
    """Queue the import of a checked file as a background job; the page follows its progress."""
    from core.jobs import start_job

    return start_job(
        kind=IMPORT_JOB,
        forum=forum,
        by=by,
        params={"filename": filename, "create_invitations": bool(create_invitations)},
        input_content=content,
        input_name=filename,
    )


def run_import_job(*, job, progress):
    """The job's runner: the import, with its report (counts, each row's outcome, errors per row)."""
    from core.jobs import JobResult, read_input

    result = import_speakers(
        forum=job.forum,
        content=read_input(job),
        filename=job.params.get("filename", ""),
        dry_run=False,
        create_invitations=job.params.get("create_invitations", True),
        by=job.started_by,
        progress=progress,
    )
    if not result.ok:
        message = ngettext(
            "Nothing was imported: %(n)s row has errors.", "Nothing was imported: %(n)s rows have errors.",
            len(result.errors),
        ) % {"n": len(result.errors)}  # fmt: skip
        return JobResult(summary=result.as_dict(), message=message, failed=True)
    message = _("%(created)s new, %(updated)s updated, %(invitations)s draft invitations.") % {
        "created": result.created,
        "updated": result.updated,
        "invitations": result.invitations,
    }
    return JobResult(summary=result.as_dict(), message=message)
