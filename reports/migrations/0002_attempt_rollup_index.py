"""The covering index the roll-ups read instead of the attempts table (PostgreSQL only).

An attempt row is about 1.3 kB (the drawn test and the answers are stored on it): at 7.5
million attempts the table is about 10 GB, and the recomputation read all of it. This partial
index holds only what the roll-ups need of the graded attempts, ordered by registration and
local day (the day expression must stay identical to `reports.services.rollups._day_sql`):
an index-only scan returns the rows already grouped, with no sort and no time-zone
conversion per row. Created CONCURRENTLY so that a deployment does not lock the attempts.
See docs/reports.md, "Benchmark"."""

from django.conf import settings
from django.db import migrations

INDEX = "reports_attempt_rollup_idx"


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("scoring", "Attempt")._meta.db_table)
    zone = settings.TIME_ZONE.replace("'", "''")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {table} "
        f"(contest_id, registration_id, ((finished_at AT TIME ZONE '{zone}')::date)) "
        "INCLUDE (all_correct, score, correct_count, round_id, finished_at) "
        "WHERE status = 'graded'"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("reports", "0001_initial"),
        ("scoring", "0003_grading"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
