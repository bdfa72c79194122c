"""Attempt rows are written about 20 times each (autosaves) and then once by the submit: leave
room on each page so that an autosave's new row version fits beside the old one (a HOT update:
no new entry in any of the table's indexes). Measured in benchmarks/README.md. The contest
column's own index goes: two indexes start with it already."""

from django.db import migrations, models


def fillfactor(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite (the demo) has no such storage parameter
        option = f"SET (fillfactor = {value})" if value else "RESET (fillfactor)"
        schema_editor.execute(f"ALTER TABLE scoring_attempt {option}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0001_initial"),
        ("scoring", "0004_result_rollup_summary"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attempt",
            name="contest",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.PROTECT,
                related_name="attempts",
                to="contests.contest",
            ),
        ),
        migrations.RunPython(fillfactor(70), fillfactor(None)),
    ]
