"""No migration locks or rewrites a large table (registrations, the outbox) while the site serves:
every migration of the project is read as the SQL ``sqlmigrate`` prints (deploy/migration_safety.py),
and the check itself is shown to catch each kind of bad migration."""

import pytest
from django.db import connection, migrations, models
from django.db.migrations.state import ProjectState

from deploy.migration_safety import problems_in_project, problems_in_sql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_no_migration_of_the_project_locks_or_rewrites_a_large_table():
    assert problems_in_project(connection) == {}


def _sql_of(*operations, app_label="registration"):
    """The SQL a migration of ``operations`` in ``app_label`` would run, as sqlmigrate prints it."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    state = loader.project_state()
    migration = migrations.Migration("9999_bad_example", app_label)
    migration.operations = list(operations)
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        migration.apply(ProjectState.clone(state), editor, collect_sql=True)
    return "\n".join(editor.collected_sql)


def _problems(*operations, app_label="registration"):
    return [problem for _table, problem, _statement in problems_in_sql(_sql_of(*operations, app_label=app_label))]


def test_an_index_built_without_concurrently_is_flagged():
    found = _problems(migrations.AddIndex("registration", models.Index(fields=["organization"], name="reg_org_idx")))
    assert found == ["index built without CONCURRENTLY"]


@pytest.mark.django_db(transaction=True)  # CONCURRENTLY refuses to run inside a transaction
def test_the_same_index_built_concurrently_passes():
    from django.contrib.postgres.operations import AddIndexConcurrently

    operation = AddIndexConcurrently("registration", models.Index(fields=["organization"], name="reg_org_idx"))
    assert _problems(operation) == []


def test_a_column_type_change_is_flagged():
    found = _problems(
        migrations.AlterField("outboxmessage", "attempts", models.BigIntegerField(default=0)),
        app_label="notifications",
    )
    assert "column type changed (table rewrite)" in found


def test_a_volatile_default_is_flagged_and_a_constant_one_passes():
    volatile = migrations.RunSQL(
        "ALTER TABLE registration_registration ADD COLUMN public_id uuid DEFAULT gen_random_uuid() NOT NULL"
    )
    assert "column added with a volatile default" in _problems(volatile)
    constant = migrations.AddField("registration", "source", models.CharField(max_length=20, default="web"))
    assert _problems(constant) == []


def test_a_new_not_null_rule_or_foreign_key_on_a_large_table_is_flagged():
    assert "SET NOT NULL scans the table under lock" in _problems(
        migrations.RunSQL("ALTER TABLE registration_registration ALTER COLUMN phone SET NOT NULL")
    )
    assert "constraint added without NOT VALID (scan under lock)" in _problems(
        migrations.RunSQL(
            "ALTER TABLE notifications_outboxmessage ADD CONSTRAINT attempts_positive CHECK (attempts >= 0)"
        )
    )
    assert (
        _problems(
            migrations.RunSQL(
                "ALTER TABLE notifications_outboxmessage "
                "ADD CONSTRAINT attempts_positive CHECK (attempts >= 0) NOT VALID"
            )
        )
        == []
    )


def test_a_new_table_that_references_registrations_is_not_flagged():
    operation = migrations.CreateModel(
        "Note",
        [
            ("id", models.BigAutoField(primary_key=True)),
            ("registration", models.ForeignKey("registration.Registration", on_delete=models.CASCADE)),
        ],
    )
    assert _problems(operation) == []


def test_small_tables_are_not_checked():
    found = _problems(
        migrations.AddIndex("forum", models.Index(fields=["city"], name="forum_city_idx")), app_label="forum"
    )
    assert found == []
