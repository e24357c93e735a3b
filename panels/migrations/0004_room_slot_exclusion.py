"""Last line of defence against double-booked rooms: a PostgreSQL exclusion constraint.

No two panels that hold a slot (scheduled or published) may share a room over overlapping
half-open intervals [start, end). The scheduling service already refuses such bookings under a
lock; this constraint catches anything that bypasses it. SQLite (the embedded demo) has no
exclusion constraints, so the operation does nothing there.
"""

from django.db import migrations

CONSTRAINT = "panel_room_slot_no_overlap"

EXTENSION = "CREATE EXTENSION IF NOT EXISTS btree_gist"
CREATE = f"""
ALTER TABLE panels_panel ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (room_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (status IN ('scheduled', 'published'))
"""
DROP = f"ALTER TABLE panels_panel DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EXTENSION)
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("panels", "0003_schedule_log")]

    operations = [migrations.RunPython(create, drop)]
