"""Typed contest dates in a plausible range (issue 12, item 5): CHECK constraints on the
contest's open/close times and reference date, the rounds' times and the plan's milestones,
the same range the forms check (contests/dates.py: 01/01/2000-31/12/2099).

A database may already hold a row out of range (01/01/0001 became a BC timestamp on
PostgreSQL, and every page listing that contest answered 500). The first step reports every
such row (count and ids, on standard output and in the log) and repairs it, then the
constraints are added. Why repair rather than stop: a migration that fails blocks the deploy
that carries this and every other fix, and the operator's only way out would be the database
surgery this change exists to end; no value out of range can be what the organiser meant, so
no information is lost by moving it. Why not silently: each affected contest goes back to
DRAFT (citizens stop seeing it, and it must be looked at before it is published again), and
the stored values before and after are written to its change log (ContestChange, what
"date_range_repair"), next to the ids printed here. The repair:
- a time out of range is clamped to noon UTC of 01/01/2000 or of 30/12/2099, and a close time
  is then at least one day after the open time (one UPDATE per table, so "closes after opens"
  holds throughout);
- a reference date out of range is cleared (blank means "the start date");
- a milestone date out of range is clamped to the first or last plausible day.
Values are only compared and rewritten in SQL and read back as text: Python cannot hold a BC
timestamp. Reverse: the constraints are dropped; the repaired values and the DRAFT status
stay (the old values are in the change log)."""

import datetime
import logging
from functools import reduce
from operator import or_

from django.db import migrations, models
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Cast, Greatest

import contests.dates
from contests.dates import date_range_q, datetime_range_q

logger = logging.getLogger(__name__)

# Frozen here: a later change of contests/dates.py must not change what this step did.
LOW = datetime.date(2000, 1, 1)
HIGH = datetime.date(2099, 12, 31)
UTC = datetime.UTC
LOW_TIME = datetime.datetime.combine(LOW, datetime.time(12), tzinfo=UTC)
HIGH_TIME = datetime.datetime.combine(
    HIGH - datetime.timedelta(days=1), datetime.time(12), tzinfo=UTC
)
# The database's bounds for a time (contests.dates.datetime_range_q, with its margin).
LOW_START = datetime.datetime.combine(
    LOW - datetime.timedelta(days=1), datetime.time.min, tzinfo=UTC
)
HIGH_END = datetime.datetime.combine(
    HIGH + datetime.timedelta(days=2), datetime.time.min, tzinfo=UTC
)

# model -> [(field, is a timestamp, nullable)]
CHECKED = {
    "Contest": [
        ("opens_at", True, False),
        ("closes_at", True, False),
        ("age_reference_date", False, True),
    ],
    "Round": [("opens_at", True, False), ("closes_at", True, False)],
    "Milestone": [("date", False, False)],
}
REPAIR = "date_range_repair"


def _outside(field: str, *, timestamp: bool, null: bool) -> Q:
    inside = (datetime_range_q if timestamp else date_range_q)(field, low=LOW, high=HIGH, null=null)
    return ~inside


def out_of_range(apps) -> dict[str, list[int]]:
    """{model name: sorted ids of its rows with a date or time out of range}."""
    found = {}
    for name, fields in CHECKED.items():
        model = apps.get_model("contests", name)
        condition = reduce(or_, [_outside(f, timestamp=t, null=n) for f, t, n in fields])
        found[name] = sorted(model.objects.filter(condition).values_list("pk", flat=True))
    return found


def _as_text(model, ids: list[int], fields: list[str]) -> dict[int, dict[str, str | None]]:
    annotations = {f"{f}_text": Cast(f, output_field=CharField()) for f in fields}
    rows = model.objects.filter(pk__in=ids).annotate(**annotations).values("pk", *annotations)
    return {row.pop("pk"): {f: row[f"{f}_text"] for f in fields} for row in rows}


def _repaired(field: str, *, timestamp: bool, null: bool, after=None):
    """The SQL expression of `field` repaired: in range it stays; out of range it becomes
    None (nullable) or the nearest plausible value; with `after` (the repaired open time of
    a close time) it is at least one day later, so "closes after opens" holds throughout."""
    if timestamp:
        low, high = LOW_TIME, HIGH_TIME
        too_low = {f"{field}__lt": LOW_START}
        too_high = {f"{field}__gte": HIGH_END}
    else:
        low, high = LOW, HIGH
        too_low, too_high = {f"{field}__lt": LOW}, {f"{field}__gt": HIGH}
    if null:
        low = high = None
    value = Case(
        When(**too_low, then=Value(low)), When(**too_high, then=Value(high)), default=F(field)
    )
    if after is None:
        return value
    return Greatest(value, after + datetime.timedelta(days=1))


def out_of_range_repair(apps, found: dict[str, list[int]]) -> list[int]:
    """Repair the rows in `found` (see the module docstring); returns the ids of the contests
    moved back to DRAFT, each with a change-log row."""
    Contest = apps.get_model("contests", "Contest")
    ContestChange = apps.get_model("contests", "ContestChange")
    before, after, contest_ids = {}, {}, set(found["Contest"])
    for name, fields in CHECKED.items():
        ids = found[name]
        if not ids:
            continue
        model = apps.get_model("contests", name)
        names = [f for f, _t, _n in fields]
        owner = (
            {pk: pk for pk in ids}
            if name == "Contest"
            else dict(model.objects.filter(pk__in=ids).values_list("pk", "contest_id"))
        )
        contest_ids.update(owner.values())
        for pk, values in _as_text(model, ids, names).items():
            before.setdefault(owner[pk], {})[f"{name} {pk}"] = values
        # One UPDATE per table: the CHECK "closes after opens" sees only the final row.
        values = {f: _repaired(f, timestamp=t, null=n) for f, t, n in fields}
        if "closes_at" in values:
            opens = values["opens_at"]
            values["closes_at"] = _repaired("closes_at", timestamp=True, null=False, after=opens)
        model.objects.filter(pk__in=ids).update(**values)
        for pk, values in _as_text(model, ids, names).items():
            after.setdefault(owner[pk], {})[f"{name} {pk}"] = values
    if not contest_ids:
        return []
    statuses = dict(Contest.objects.filter(pk__in=contest_ids).values_list("pk", "status"))
    Contest.objects.filter(pk__in=contest_ids).update(status="draft")
    for pk in sorted(contest_ids):
        ContestChange.objects.create(
            contest_id=pk,
            what=REPAIR,
            before={"status": statuses[pk], **before.get(pk, {})},
            after={"status": "draft", **after.get(pk, {})},
        )
    return sorted(contest_ids)


def report_and_repair(apps, schema_editor):
    found = out_of_range(apps)
    lines = [
        f"contests: {len(ids)} {name} row(s) with a date out of {LOW}..{HIGH}: ids {ids}"
        for name, ids in found.items()
        if ids
    ]
    if not lines:
        return
    for line in lines:
        print(line)
        logger.warning(line)
    drafts = out_of_range_repair(apps, found)
    line = (
        f"contests: dates repaired; contests moved back to draft (see their change log, "
        f"what={REPAIR!r}): ids {drafts}"
    )
    print(line)
    logger.warning(line)


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(report_and_repair, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contest",
            name="age_reference_date",
            field=models.DateField(
                blank=True,
                help_text="Mặc định: ngày bắt đầu.",
                null=True,
                validators=[contests.dates.validate_contest_date],
                verbose_name="ngày tính tuổi",
            ),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="date",
            field=models.DateField(
                validators=[contests.dates.validate_contest_date], verbose_name="ngày"
            ),
        ),
        migrations.AddConstraint(
            model_name="contest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "opens_at__gte",
                        datetime.datetime(1999, 12, 31, 0, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "opens_at__lt",
                        datetime.datetime(2100, 1, 2, 0, 0, tzinfo=datetime.UTC),
                    ),
                ),
                name="contest_opens_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="contest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "closes_at__gte",
                        datetime.datetime(1999, 12, 31, 0, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "closes_at__lt",
                        datetime.datetime(2100, 1, 2, 0, 0, tzinfo=datetime.UTC),
                    ),
                ),
                name="contest_closes_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="contest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("age_reference_date__gte", datetime.date(2000, 1, 1)),
                        ("age_reference_date__lte", datetime.date(2099, 12, 31)),
                    ),
                    ("age_reference_date__isnull", True),
                    _connector="OR",
                ),
                name="contest_age_reference_date_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="milestone",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("date__gte", datetime.date(2000, 1, 1)),
                    ("date__lte", datetime.date(2099, 12, 31)),
                ),
                name="milestone_date_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="round",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "opens_at__gte",
                        datetime.datetime(1999, 12, 31, 0, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "opens_at__lt",
                        datetime.datetime(2100, 1, 2, 0, 0, tzinfo=datetime.UTC),
                    ),
                ),
                name="round_opens_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="round",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "closes_at__gte",
                        datetime.datetime(1999, 12, 31, 0, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "closes_at__lt",
                        datetime.datetime(2100, 1, 2, 0, 0, tzinfo=datetime.UTC),
                    ),
                ),
                name="round_closes_in_range",
            ),
        ),
    ]
