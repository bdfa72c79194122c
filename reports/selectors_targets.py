"""Reads for targets and rosters: each target's progress and projection (from the roll-ups:
subtree participants and the daily new participants), the units at 100 %, and the roster's
"who has not yet taken part" (roster rows joined to their registration's contest-level
result row: a person has taken part when that row exists with a graded attempt, as every
figure counts participants; reports.rules.targets.roster_status).

Scope: every function takes the unit whose subtree it describes; callers check that the unit
is in the organiser's subtree (reports.selectors.unit_for)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language

from contests.models import Contest, Unit, UnitTarget
from participants.models import RosterEntry
from participants.roster.matching import roster_version
from reports.models import DailyRollup, RollupState, UnitRollup
from reports.rules.targets import (
    PROJECTION_WINDOW_DAYS,
    TAKEN_PART,
    progress_percent,
    projection,
    roster_status,
    target_people,
    target_reached,
)
from scoring.models import Result

PANEL_CACHE_SECONDS = 60
# The panel lists at most this many targets, in tree order (the unit's own and its two
# levels below); every target is in the Excel files ("Chỉ tiêu" sheet).
PANEL_MAX_ROWS = 40


@dataclass
class TargetRow:
    code: str
    name: str
    depth: int
    people: int | None
    percent: int | None
    headcount: int | None
    target: int | None
    participants: int
    progress: float | None
    reached: bool
    projection_status: str
    projected: int | None
    per_day: float | None
    will_reach: bool | None
    level: int = 0  # levels below the unit the panel is about


@dataclass
class RosterCounts:
    listed: int = 0
    registered: int = 0
    taken_part: int = 0

    @property
    def not_yet(self) -> int:
        return self.listed - self.taken_part

    @property
    def percent(self) -> float | None:
        return progress_percent(participants=self.taken_part, target=self.listed)


@dataclass
class TargetsPanel:
    rows: list[TargetRow] = field(default_factory=list)
    total_targets: int = 0
    reached: list[TargetRow] = field(default_factory=list)
    own: TargetRow | None = None
    roster: RosterCounts = field(default_factory=RosterCounts)
    roster_units_complete: list[dict] = field(default_factory=list)
    rows_left_out: int = 0  # targets not in `rows` (deeper, or past PANEL_MAX_ROWS)


def _participants_by_unit(contest: Contest, unit_ids: list[int]) -> dict[int, int]:
    if not unit_ids:
        return {}
    return {
        row["unit_id"]: int(row["n"] or 0)
        for row in UnitRollup.objects.filter(
            contest=contest, round_key=0, own=False, unit_id__in=unit_ids
        )
        .values("unit_id")
        .annotate(n=Sum("participants"))
        .order_by()
    }


def _new_by_unit_day(
    contest: Contest, unit_ids: list[int], since: datetime.date
) -> dict[int, dict[datetime.date, int]]:
    out: dict[int, dict[datetime.date, int]] = {}
    if not unit_ids:
        return out
    for unit_id, day, new in DailyRollup.objects.filter(
        contest=contest, round_key=0, own=False, unit_id__in=unit_ids, day__gte=since
    ).values_list("unit_id", "day", "new_participants"):
        days = out.setdefault(unit_id, {})
        days[day] = days.get(day, 0) + int(new)
    return out


def targets_of(
    *, contest: Contest, unit: Unit, now: datetime.datetime | None = None
) -> list[TargetRow]:
    """Every target set for `unit` or a unit below it, in tree order, with participants
    (subtree, whole contest), progress, "đạt 100 %" and the projection to the close
    (reports.rules.targets). Three queries."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    targets = list(
        UnitTarget.objects.filter(contest=contest, unit__path__startswith=unit.path)
        .select_related("unit")
        .order_by("unit__path")
    )
    unit_ids = [t.unit_id for t in targets]
    participants = _participants_by_unit(contest, unit_ids)
    since = now.astimezone(tz).date() - datetime.timedelta(days=PROJECTION_WINDOW_DAYS + 1)
    new = _new_by_unit_day(contest, unit_ids, since)
    rows = []
    for t in targets:
        u = t.unit
        target = target_people(people=t.people, percent=t.percent, headcount=u.headcount)
        count = participants.get(u.pk, 0)
        p = projection(
            participants=count,
            new_per_day=new.get(u.pk, {}),
            now=now,
            opens_at=contest.opens_at,
            closes_at=contest.closes_at,
            tz=tz,
        )
        rows.append(
            TargetRow(
                code=u.code,
                name=u.name,
                depth=u.depth,
                people=t.people,
                percent=t.percent,
                headcount=u.headcount,
                target=target,
                participants=count,
                progress=progress_percent(participants=count, target=target),
                reached=target_reached(participants=count, target=target),
                projection_status=p.status,
                projected=p.projected,
                per_day=p.per_day,
                will_reach=(
                    target_reached(participants=p.projected, target=target)
                    if p.projected is not None and target
                    else None
                ),
            )
        )
    return rows


def _roster_sql(unit: Unit) -> tuple[str, list]:
    entry = RosterEntry._meta.db_table
    unit_table = Unit._meta.db_table
    result = Result._meta.db_table
    # The contest-level result row (round null) exists once a registration has a graded
    # attempt; its graded_attempts is what roster_status reads.
    return (
        f"""
        FROM {entry} e
        JOIN {unit_table} u ON u.id = e.unit_id
        LEFT JOIN {result} x ON x.registration_id = e.registration_id AND x.round_id IS NULL
        WHERE e.contest_id = %s AND u.path LIKE %s
        """,  # noqa: S608
        [unit.path + "%"],
    )


def roster_counts_by_unit(*, contest: Contest, unit: Unit) -> dict[int, RosterCounts]:
    """Roster rows per unit of the subtree (the row's own unit): listed, registered, taken
    part (the SQL twin of roster_status: a matched registration whose contest-level result
    has a graded attempt; tests/reports/test_roster_report.py checks they agree)."""
    tail, params = _roster_sql(unit)
    sql = f"""
        SELECT e.unit_id, COUNT(*), COUNT(e.registration_id),
               SUM(CASE WHEN x.graded_attempts > 0 THEN 1 ELSE 0 END)
        {tail}
        GROUP BY e.unit_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest.pk, *params])
        return {
            unit_id: RosterCounts(int(listed), int(registered), int(taken or 0))
            for unit_id, listed, registered, taken in cursor.fetchall()
        }


def roster_not_yet(*, contest: Contest, unit: Unit, limit: int | None = None) -> list[dict]:
    """The roster's people of the subtree who have not taken part, in tree order then name:
    name, position, unit, numbers (for the caller to mask) and status (not registered, or
    registered without a graded attempt)."""
    tail, params = _roster_sql(unit)
    sql = f"""
        SELECT e.id, e.full_name, e.position, u.code, u.name, e.document_number, e.phone,
               e.registration_id, COALESCE(x.graded_attempts, 0)
        {tail}
          AND (x.id IS NULL OR x.graded_attempts = 0)
        ORDER BY u.path, e.full_name, e.id
    """  # noqa: S608
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest.pk, *params])
        for row_id, name, position, code, unit_name, doc, phone, reg, graded in cursor.fetchall():
            status = roster_status(registered=reg is not None, graded_attempts=graded)
            if status == TAKEN_PART:
                continue  # never, by the WHERE above; the rule has the last word
            out.append(
                {
                    "id": row_id,
                    "full_name": name,
                    "position": position,
                    "unit_code": code,
                    "unit_name": unit_name,
                    "document_number": doc,
                    "phone": phone,
                    "status": status,
                }
            )
    return out


def roster_units(*, contest: Contest, unit: Unit) -> list[dict]:
    """Per unit of the subtree with a roster (tree order): listed, registered, taken part,
    not yet, percent, and whether every listed person has taken part."""
    counts = roster_counts_by_unit(contest=contest, unit=unit)
    units = Unit.objects.filter(pk__in=list(counts)).order_by("path")
    out = []
    for u in units.values("id", "code", "name", "depth"):
        c = counts[u["id"]]
        out.append(
            {
                **u,
                "listed": c.listed,
                "registered": c.registered,
                "taken_part": c.taken_part,
                "not_yet": c.not_yet,
                "percent": c.percent,
                "complete": c.listed > 0 and c.not_yet == 0,
            }
        )
    return out


def _panel(contest: Contest, unit: Unit) -> TargetsPanel:
    rows = targets_of(contest=contest, unit=unit)
    panel = TargetsPanel(total_targets=len(rows))
    panel.own = next((r for r in rows if r.code == unit.code), None)
    panel.reached = [r for r in rows if r.reached]
    for r in rows:
        r.level = r.depth - unit.depth
    near = [r for r in rows if r.level <= 2]
    panel.rows = near[:PANEL_MAX_ROWS]
    panel.rows_left_out = len(rows) - len(panel.rows)
    units = roster_units(contest=contest, unit=unit)
    for u in units:
        panel.roster.listed += u["listed"]
        panel.roster.registered += u["registered"]
        panel.roster.taken_part += u["taken_part"]
    panel.roster_units_complete = [u for u in units if u["complete"]]
    return panel


def targets_panel(*, contest: Contest, unit: Unit) -> TargetsPanel:
    """The dashboard's and summary's panel, cached as the dashboard's figures are: per
    contest, unit and roll-up state, and per roster version (an import or a match moves it),
    for PANEL_CACHE_SECONDS (the projection moves with the clock)."""
    state = RollupState.objects.filter(contest=contest).first()
    stamps = (
        [t.timestamp() if t else 0 for t in (state.recomputed_at, state.refreshed_at)]
        if state
        else [0, 0]
    )
    key = ":".join(
        str(part)
        for part in (
            "reports-targets",
            contest.pk,
            unit.pk,
            get_language(),
            roster_version(contest_id=contest.pk),
            *stamps,
        )
    )
    panel = cache.get(key)
    if panel is None:
        panel = _panel(contest, unit)
        cache.set(key, panel, PANEL_CACHE_SECONDS)
    return panel
