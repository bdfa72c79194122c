"""Reads of the figures, from the roll-ups only (never from the raw attempts: a dashboard must
not scan 7.5 million rows). Every function takes the unit whose subtree it describes; callers
check that the unit is inside the organiser's subtree (see `unit_for`)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Sum
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _

from contests.models import Category, Contest, Round, Unit
from contests.selectors import contest_draft_hidden_from, organiser_unit, path_prefix_for
from participants.selectors import contest_age_groups
from reports.models import (
    BoardSnapshot,
    DailyRollup,
    ExportJob,
    RollupState,
    ScoreRollup,
    UnitRollup,
)

FIGURES = ("registrants", "participants", "attempts", "perfect_attempts")


def round_key_of(round_: Round | None) -> int:
    return round_.pk if round_ is not None else 0


def unit_for(*, user, contest: Contest, code: str | None) -> Unit:
    """The unit a report is about: the contest's participation root when `code` is empty,
    else the unit with that code, which must lie inside both the contest's tree and the
    user's subtree (404 otherwise: an organiser cannot even learn that it exists)."""
    prefix = path_prefix_for(user=user)
    if prefix is None:
        raise Http404
    root = contest.participation_root
    if not code:
        # An organiser below the root starts at the highest unit it may see.
        if root.path.startswith(prefix):
            return root
        unit = Unit.objects.filter(path=prefix).first()
        if unit is None or not unit.path.startswith(root.path):
            raise Http404
        return unit
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not unit.path.startswith(root.path) or not unit.path.startswith(prefix):
        raise Http404
    return unit


def contest_reported_to(*, user, contest: Contest) -> bool:
    """Whether an organiser may see a contest's reports: its participation tree meets the
    organiser's subtree, and a draft only on its owner side (`contest_draft_hidden_from`)."""
    prefix = path_prefix_for(user=user)
    if prefix is None:
        return False
    root = contest.participation_root.path
    if not (prefix.startswith(root) or root.startswith(prefix)):
        return False
    return not contest_draft_hidden_from(user=user, contest=contest)


def contests_visible_to(*, user) -> list[Contest]:
    """The contests whose reports the organiser may see (`contest_reported_to`), newest
    first."""
    if path_prefix_for(user=user) is None:
        return []
    qs = Contest.objects.select_related("participation_root", "owner_unit").order_by("-opens_at")
    return [c for c in qs if contest_reported_to(user=user, contest=c)]


def rate(participants: int, headcount: int | None) -> float | None:
    if not headcount:
        return None
    return round(participants / headcount, 4)


def _figures(values) -> dict:
    """[registrants, participants, attempts, perfect, best score sum] -> a figures dict."""
    registrants, participants, attempts, perfect, score_sum = values
    return {
        "registrants": int(registrants),
        "participants": int(participants),
        "attempts": int(attempts),
        "perfect_attempts": int(perfect),
        "mean_best_score": round(float(score_sum) / participants, 2) if participants else None,
    }


def _add(acc: list, values) -> None:
    for i, v in enumerate(values):
        acc[i] += v


def _zero() -> list:
    return [0, 0, 0, 0, Decimal(0)]


class Figures:
    """All subtree roll-up rows of a contest (one round), loaded in one query and indexed in
    memory: a few thousand rows whatever the number of people, so a page that shows totals,
    blocks, age groups, children and top units costs two queries, not twenty."""

    def __init__(self, *, contest: Contest, round_key: int = 0, scope: Unit | None = None):
        """`scope`: only that unit's subtree is read (a page about one unit: a ward's first
        dashboard reads its own rows, not the whole contest's); every method must then be
        asked about `scope` or a unit below it."""
        self.contest = contest
        self.round_key = round_key
        root = contest.participation_root
        top = scope if scope is not None and scope.path.startswith(root.path) else root
        self.units = {
            u["id"]: u
            for u in Unit.objects.filter(path__startswith=top.path).values(
                "id", "code", "name", "kind", "depth", "headcount", "path"
            )
        }
        self.by_unit: dict[int, list] = {}
        self.by_unit_block: dict[int, dict] = {}
        self.by_unit_age: dict[int, dict] = {}
        self.by_unit_category: dict[int, dict] = {}
        keys = [0, round_key] if round_key else [0]
        registrants: dict[int, int] = {}
        category_registrants: dict[tuple[int, int | None], int] = {}
        rows = UnitRollup.objects.filter(contest=contest, own=False, round_key__in=keys)
        if top.pk != root.pk:
            rows = rows.filter(unit_id__in=list(self.units))
        for row in rows.values_list(
            "round_key",
            "unit_id",
            "block_id",
            "age_group",
            "category_id",
            "registrants",
            "participants",
            "attempts",
            "perfect_attempts",
            "best_score_sum",
        ):
            key, unit_id, block_id, age, category_id, reg, part, att, perf, score = row
            if key != round_key:  # round 0 rows read for a round: registrants only
                registrants[unit_id] = registrants.get(unit_id, 0) + reg
                pair = (unit_id, category_id)
                category_registrants[pair] = category_registrants.get(pair, 0) + reg
                continue
            values = (reg, part, att, perf, score)
            _add(self.by_unit.setdefault(unit_id, _zero()), values)
            _add(self.by_unit_block.setdefault(unit_id, {}).setdefault(block_id, _zero()), values)
            _add(self.by_unit_age.setdefault(unit_id, {}).setdefault(age, _zero()), values)
            by_category = self.by_unit_category.setdefault(unit_id, {})
            _add(by_category.setdefault(category_id, _zero()), values)
        if round_key:
            # Registrations are not per round: a round's figures carry the contest's.
            for unit_id in set(registrants) | set(self.by_unit):
                self.by_unit.setdefault(unit_id, _zero())[0] = registrants.get(unit_id, 0)
            for (unit_id, category_id), count in category_registrants.items():
                by_category = self.by_unit_category.setdefault(unit_id, {})
                by_category.setdefault(category_id, _zero())[0] = count

    def totals(self, unit: Unit) -> dict:
        return _figures(self.by_unit.get(unit.pk, _zero()))

    def by_block(self, unit: Unit) -> list[dict]:
        out = []
        for block_id, values in self.by_unit_block.get(unit.pk, {}).items():
            block = self.units.get(block_id)
            out.append(
                {
                    "code": block["code"] if block else "",
                    "name": block["name"] if block else _("Chưa xác định khối"),
                    **_figures(values),
                    "_path": block["path"] if block else "~",
                }
            )
        out.sort(key=lambda d: d.pop("_path"))
        return out

    def by_category(self, unit: Unit) -> list[dict]:
        """The contest's categories in their order, each with its figures (zeros when nobody
        is in it), then "Chưa xác định đối tượng": the people without a category, counted
        apart (listed only if there are any). Empty for a contest without categories whose
        people have none (nothing to show)."""
        rows = self.by_unit_category.get(unit.pk, {})
        categories = list(
            Category.objects.filter(contest=self.contest)
            .order_by("order", "id")
            .values("id", "name")
        )
        if not categories and set(rows) <= {None}:
            return []
        out = [
            {"category_id": c["id"], "name": c["name"], **_figures(rows.get(c["id"], _zero()))}
            for c in categories
        ]
        known = {c["id"] for c in categories}
        # A category deleted since (its rows cascade away) cannot be here; null is "none".
        none = _zero()
        for category_id, values in rows.items():
            if category_id not in known:
                _add(none, values)
        if any(none[:2]):
            out.append(
                {"category_id": None, "name": _("Chưa xác định đối tượng"), **_figures(none)}
            )
        return out

    def by_age_group(self, unit: Unit) -> list[dict]:
        """The contest's age groups (oldest first, as the organisers' reports list them),
        each with its label and `phrase` (for the summary sentence); a key the contest no
        longer has (its minimum age changed after people registered) is listed as it is."""
        rows = self.by_unit_age.get(unit.pk, {})
        groups = contest_age_groups(contest=self.contest)
        out = [
            {
                "age_group": group.key,
                "label": str(group.label),
                "phrase": str(group.phrase),
                **_figures(rows.get(group.key, _zero())),
            }
            for group in reversed(groups)
        ]
        known = {group.key for group in groups}
        for value, values in rows.items():
            if value not in known:
                out.append(
                    {"age_group": value, "label": value, "phrase": value, **_figures(values)}
                )
        return out

    def _below(self, unit: Unit, children_only: bool) -> list[dict]:
        out = [
            u
            for u in self.units.values()
            if u["path"].startswith(unit.path)
            and u["depth"] > unit.depth
            and (not children_only or u["depth"] == unit.depth + 1)
        ]
        out.sort(key=lambda u: u["path"])
        return out

    def _unit_row(self, u: dict) -> dict:
        figures = _figures(self.by_unit.get(u["id"], _zero()))
        return {
            "code": u["code"],
            "name": u["name"],
            "kind": u["kind"],
            "depth": u["depth"],
            "headcount": u["headcount"],
            **figures,
            "rate": rate(figures["participants"], u["headcount"]),
        }

    def units_figures(self, unit: Unit, *, children_only: bool = False) -> list[dict]:
        """Every unit below `unit` (or only its children), in tree order, with its subtree
        figures, headcount and participation rate (participants / headcount)."""
        return [self._unit_row(u) for u in self._below(unit, children_only)]

    def top_units(self, unit: Unit, *, limit: int = 10) -> list[dict]:
        """The units with most participants, per block and per level of the tree: below the
        contest's root, each block (child of the root) gets one list per level below it;
        below a block or a district, one list per level below the unit."""
        if unit.pk == self.contest.participation_root_id:
            groups = self._below(unit, True)
        else:
            groups = [self.units[unit.pk]]
        out = []
        for group in groups:
            levels: dict[int, list[dict]] = {}
            for u in self.units.values():
                if u["path"].startswith(group["path"]) and u["depth"] > group["depth"]:
                    row = self._unit_row(u)
                    if row["participants"] > 0:
                        levels.setdefault(u["depth"], []).append(row)
            for depth in sorted(levels):
                rows = sorted(levels[depth], key=lambda r: (-r["participants"], r["code"]))
                rows = rows[:limit]
                out.append(
                    {
                        "block": group["code"],
                        "block_name": group["name"],
                        "depth": depth,
                        "kind": rows[0]["kind"],
                        "kind_label": str(Unit.Kind(rows[0]["kind"]).label)
                        if rows[0]["kind"] in Unit.Kind.values
                        else rows[0]["kind"],
                        "units": [{k: r[k] for k in r if k not in ("kind", "depth")} for r in rows],
                    }
                )
        return out


def totals(*, contest: Contest, unit: Unit, round_key: int = 0) -> dict:
    """Registrants, participants, attempts, perfect attempts and mean best score of a subtree.
    Registrations are not per round: a round's figures carry the contest's registrants."""
    return Figures(contest=contest, round_key=round_key).totals(unit)


def by_block(*, contest: Contest, unit: Unit, round_key: int = 0) -> list[dict]:
    return Figures(contest=contest, round_key=round_key).by_block(unit)


def by_age_group(*, contest: Contest, unit: Unit, round_key: int = 0) -> list[dict]:
    return Figures(contest=contest, round_key=round_key).by_age_group(unit)


def units_figures(
    *, contest: Contest, unit: Unit, round_key: int = 0, children_only: bool = False
) -> list[dict]:
    return Figures(contest=contest, round_key=round_key).units_figures(
        unit, children_only=children_only
    )


def top_units(*, contest: Contest, unit: Unit, round_key: int = 0, limit: int = 10) -> list[dict]:
    return Figures(contest=contest, round_key=round_key).top_units(unit, limit=limit)


def round_figures(*, contest: Contest, unit: Unit) -> list[dict]:
    """Per round of the contest (in its order): participants (people with a graded attempt
    in that round), graded attempts, attempts with every answer right and the mean best
    score, for `unit`'s subtree; from the subtree roll-up rows (one query)."""
    rounds = list(contest.rounds.order_by("number"))
    if not rounds:
        return []
    sums = {
        row["round_key"]: row
        for row in UnitRollup.objects.filter(
            contest=contest, own=False, unit=unit, round_key__in=[r.pk for r in rounds]
        )
        .values("round_key")
        .annotate(
            part=Sum("participants"),
            att=Sum("attempts"),
            perf=Sum("perfect_attempts"),
            score=Sum("best_score_sum"),
        )
        .order_by()
    }
    out = []
    for round_ in rounds:
        row = sums.get(round_.pk, {})
        values = (0, row.get("part") or 0, row.get("att") or 0, row.get("perf") or 0)
        figures = _figures((*values, row.get("score") or Decimal(0)))
        del figures["registrants"]  # registrations are not per round
        out.append({"round": round_, **figures})
    return out


def daily(
    *,
    contest: Contest,
    unit: Unit,
    round_key: int = 0,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[dict]:
    qs = DailyRollup.objects.filter(contest=contest, round_key=round_key, own=False, unit=unit)
    if date_from:
        qs = qs.filter(day__gte=date_from)
    if date_to:
        qs = qs.filter(day__lte=date_to)
    return list(
        qs.order_by("day").values(
            "day", "participants", "new_participants", "attempts", "perfect_attempts"
        )
    )


def score_distribution(*, contest: Contest, unit: Unit, round_key: int = 0) -> list[dict]:
    return list(
        ScoreRollup.objects.filter(contest=contest, round_key=round_key, own=False, unit=unit)
        .order_by("correct_count")
        .values("correct_count", "participants")
    )


def rollup_state(*, contest: Contest) -> RollupState | None:
    return RollupState.objects.filter(contest=contest).first()


def contest_figures(
    *, contest: Contest, unit: Unit | None = None, round_: Round | None = None, top: int = 10
) -> dict:
    """Everything `manage.py contest_figures` prints, as plain data (JSON-ready)."""
    unit = unit or contest.participation_root
    figures = Figures(contest=contest, round_key=round_key_of(round_))
    return {
        "contest": contest.slug,
        "unit": unit.code,
        "round": round_.number if round_ else None,
        **figures.totals(unit),
        "by_block": figures.by_block(unit),
        "by_age_group": figures.by_age_group(unit),
        "by_unit": figures.units_figures(unit),
        "top_units": figures.top_units(unit, limit=top),
    }


def _n(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _whole(unit: Unit, contest: Contest) -> str:
    if unit.pk == contest.participation_root_id and unit.kind == Unit.Kind.PROVINCE:
        name = unit.name.lower()
        if name.startswith("tỉnh"):
            return _("Toàn tỉnh")
        return _("Toàn thành phố")
    return unit.name


def summary_text(
    *, contest: Contest, unit: Unit | None = None, top: int = 10, data: Figures | None = None
) -> str:
    """The organisers' sentence, from the roll-ups: "Toàn thành phố có 1.512.991 người dự thi;
    khối Sở, ban, ngành 58.462; …; từ đủ 18 tuổi 1.356.173 bài; …; các đơn vị có số lượng
    người dự thi đông: Khối …: A (8.858 người dự thi), …"."""
    unit = unit or contest.participation_root
    data = data or Figures(contest=contest)
    figures = data.totals(unit)
    parts = [
        _("%(whole)s có %(n)s người dự thi")
        % {"whole": _whole(unit, contest), "n": _n(figures["participants"])}
    ]
    if unit.pk == contest.participation_root_id:
        for block in data.by_block(unit):
            parts.append(f"{_lower_first(block['name'])} {_n(block['participants'])}")
    for group in data.by_age_group(unit):
        parts.append(
            _("%(label)s %(n)s bài") % {"label": group["phrase"], "n": _n(group["participants"])}
        )
    tops = []
    seen_groups = set()
    for group in data.top_units(unit, limit=top):
        # The first level of each block (departments; districts), as the reports do.
        if group["block"] in seen_groups:
            continue
        seen_groups.add(group["block"])
        units = ", ".join(
            _("%(name)s (%(n)s người dự thi)") % {"name": u["name"], "n": _n(u["participants"])}
            for u in group["units"]
        )
        tops.append(f"{group['block_name']}: {units}" if unit.code != group["block"] else units)
    text = "; ".join(parts)
    if tops:
        text += "; " + _("các đơn vị có số lượng người dự thi đông: ") + "; ".join(tops)
    return text + "."


def export_jobs_for(*, user):
    return ExportJob.objects.filter(owner=user).select_related("contest", "unit", "round")


def export_job_visible(*, user, job: ExportJob) -> bool:
    """The owner, a superuser, or the city (an account attached to a root unit) may download."""
    if user.is_superuser or job.owner_id == user.pk:
        return True
    unit = organiser_unit(user=user)
    if unit is None or unit.depth != 1:
        return False
    scope = job.unit if job.unit_id else job.contest.participation_root
    return scope.path.startswith(unit.path)


# --- The daily official board (bảng tổng sắp) -----------------------------------------------


def board_figures(*, contest: Contest, day: datetime.date) -> dict:
    """The participation figures per unit up to 24:00 of `day` (local), from the daily
    roll-ups (subtree rows, whole contest): people (distinct, counted on their first graded
    attempt), graded attempts, attempts with every answer correct, headcount and rate, and
    whether the unit reached 100 %. Every unit of the participation tree, in tree order, the
    root first. Plain JSON data: this is what a BoardSnapshot freezes and hashes."""
    root = contest.participation_root
    sums = {
        row["unit_id"]: row
        for row in DailyRollup.objects.filter(contest=contest, round_key=0, own=False, day__lte=day)
        .values("unit_id")
        .annotate(
            people=Sum("new_participants"), n=Sum("attempts"), perfect=Sum("perfect_attempts")
        )
    }
    units = []
    for u in (
        Unit.objects.filter(path__startswith=root.path)
        .order_by("path")
        .values("id", "code", "name", "depth", "headcount", "path")
    ):
        row = sums.get(u["id"], {})
        people = int(row.get("people") or 0)
        units.append(
            {
                "code": u["code"],
                "name": u["name"],
                "level": u["depth"] - root.depth,
                "parent": u["path"][: -Unit.steplen] if u["path"] != root.path else None,
                "headcount": u["headcount"],
                "participants": people,
                "attempts": int(row.get("n") or 0),
                "perfect_attempts": int(row.get("perfect") or 0),
                "rate": rate(people, u["headcount"]),
                "complete": bool(u["headcount"]) and people >= u["headcount"],
                "_path": u["path"],
            }
        )
    codes = {u["_path"]: u["code"] for u in units}
    for u in units:
        u["parent"] = codes.get(u["parent"]) if u["parent"] else None
        del u["_path"]
    return {"contest": contest.slug, "day": day.isoformat(), "units": units}


def board_days_published(*, contest: Contest) -> set[datetime.date]:
    return set(BoardSnapshot.objects.filter(contest=contest).values_list("day", flat=True))


def board_latest_versions(*, contest: Contest) -> dict[datetime.date, BoardSnapshot]:
    """The newest version of every published day (what is compared for a correction)."""
    out: dict[datetime.date, BoardSnapshot] = {}
    for snapshot in BoardSnapshot.objects.filter(contest=contest).order_by("day", "version"):
        out[snapshot.day] = snapshot
    return out


def board_versions(*, contest: Contest) -> list[BoardSnapshot]:
    """Every version of every day, newest day first, newest version first, without the
    figures (the list of days and hashes on the public page)."""
    return list(
        BoardSnapshot.objects.filter(contest=contest)
        .defer("figures", "changes")
        .order_by("-day", "-version")
    )


def board_snapshot(
    *, contest: Contest, day: datetime.date | None = None, version: int | None = None
) -> BoardSnapshot | None:
    """One version of a day's board: the newest day and version when not given."""
    qs = BoardSnapshot.objects.filter(contest=contest)
    if day is not None:
        qs = qs.filter(day=day)
    if version is not None:
        qs = qs.filter(version=version)
    return qs.order_by("-day", "-version").first()


def board_contest(*, slug: str) -> Contest | None:
    """A contest whose board is public: published (not a draft) and with a board hour."""
    return (
        Contest.objects.select_related("participation_root", "owner_unit")
        .filter(slug=slug, board_hour__isnull=False)
        .exclude(status=Contest.Status.DRAFT)
        .first()
    )
