"""Migrations that would lock or rewrite a large table while the site is serving.

Migrations run before the new code starts, with the old code still answering (docs/deployment.md).
On the tables that grow with the forum (registrations, the outbox) a statement that rewrites the
table or holds an ACCESS EXCLUSIVE lock while it scans every row stops sign-ups and mail for as
long as it runs. This reads the SQL a migration would run (what ``sqlmigrate`` prints) and names
each such statement:

* ``CREATE INDEX`` / ``CREATE UNIQUE INDEX`` without ``CONCURRENTLY`` (writes blocked while it
  builds: use ``AddIndexConcurrently`` in a migration with ``atomic = False``);
* ``ALTER COLUMN ... TYPE`` (a rewrite for most type changes);
* ``ADD COLUMN ... DEFAULT`` with a volatile default (``gen_random_uuid()``, ``clock_timestamp()``,
  ``random()``...): every row is rewritten; a constant default is free since PostgreSQL 11;
* ``SET NOT NULL`` and ``ADD CONSTRAINT`` (foreign key, check, unique) without ``NOT VALID``: a
  full scan under lock; add it ``NOT VALID`` and ``VALIDATE CONSTRAINT`` in a later migration;
* ``VACUUM FULL``, ``CLUSTER``, ``LOCK TABLE``, ``ALTER TABLE ... SET TABLESPACE``.

A migration that creates the table it touches is exempt (the table is empty then). A migration
whose module sets ``LARGE_TABLE_REVIEWED = "<why it is fine>"`` is skipped: the reason is read in
review.
"""

import re

LARGE_TABLES = (
    "registration_registration",
    "registration_registration_panels",
    "notifications_outboxmessage",
)

# Released before this check existed, when these tables were small; they have run everywhere.
RELEASED_BEFORE_THE_CHECK = {"notifications.0003_claim_and_dispatch_times"}

VOLATILE = r"(gen_random_uuid|uuid_generate_v\d|random|clock_timestamp|timeofday|nextval)\s*\("
RULES = [
    (re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)", re.I), "index built without CONCURRENTLY"),
    (re.compile(r"\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b", re.I), "column type changed (table rewrite)"),
    (re.compile(r"\bADD\s+COLUMN\b[^;]*\bDEFAULT\b[^;]*" + VOLATILE, re.I), "column added with a volatile default"),
    (re.compile(r"\bSET\s+NOT\s+NULL\b", re.I), "SET NOT NULL scans the table under lock"),
    (
        re.compile(r"\bADD\s+CONSTRAINT\b(?![^;]*\bNOT\s+VALID\b)", re.I),
        "constraint added without NOT VALID (scan under lock)",
    ),
    (re.compile(r"^\s*(VACUUM\s+FULL|CLUSTER)\b", re.I), "VACUUM FULL / CLUSTER rewrites the table"),
    (re.compile(r"^\s*LOCK\s+TABLE\b", re.I), "explicit table lock"),
    (re.compile(r"\bSET\s+TABLESPACE\b", re.I), "table moved (rewrite)"),
]


def _statements(sql):
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [statement.strip() for statement in " ".join(lines).split(";") if statement.strip()]


TARGET = re.compile(
    r"^\s*(?:ALTER\s+TABLE(?:\s+ONLY)?(?:\s+IF\s+EXISTS)?|CREATE\s+(?:UNIQUE\s+)?INDEX\b.*?\bON(?:\s+ONLY)?"
    r'|LOCK\s+TABLE|CLUSTER|VACUUM\s+FULL)\s+"?([\w.]+)"?',
    re.I,
)


def _tables_in(statement, tables):
    """The large tables a statement changes: the one it alters or indexes (a new table's foreign
    key that merely references a large table does not lock it for long)."""
    match = TARGET.match(statement)
    if match:
        target = match.group(1).split(".")[-1]
        return [target] if target in tables else []
    return [table for table in tables if re.search(rf"\b{re.escape(table)}\b", statement)]


def problems_in_sql(sql, *, tables=LARGE_TABLES):
    """[(table, problem, statement)] for each statement of ``sql`` that locks or rewrites one of
    ``tables`` for long; statements of a migration that creates that table are fine."""
    statements = _statements(sql)
    created = {
        table
        for statement in statements
        if re.match(r"^\s*CREATE\s+TABLE\b", statement, re.I)
        for table in _tables_in(statement.split("(", 1)[0], tables)
    }
    found = []
    for statement in statements:
        touched = [table for table in _tables_in(statement, tables) if table not in created]
        if not touched:
            continue
        for pattern, problem in RULES:
            if pattern.search(statement):
                found.append((touched[0], problem, statement[:300]))
    return found


def problems_in_project(connection, *, tables=LARGE_TABLES):
    """{"app.migration": [problems]} over every migration of the project's own apps."""
    from io import StringIO

    from django.apps import apps
    from django.core.management import call_command
    from django.db.migrations.loader import MigrationLoader

    from deploy.cluster import REPO

    own = {config.label for config in apps.get_app_configs() if str(config.path).startswith(str(REPO))}
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    report = {}
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        if app_label not in own or f"{app_label}.{name}" in RELEASED_BEFORE_THE_CHECK:
            continue
        module = __import__(migration.__module__, fromlist=["_"])
        if getattr(module, "LARGE_TABLE_REVIEWED", ""):
            continue
        out = StringIO()
        call_command("sqlmigrate", app_label, name, stdout=out, no_color=True)
        problems = problems_in_sql(out.getvalue(), tables=tables)
        if problems:
            report[f"{app_label}.{name}"] = problems
    return report
