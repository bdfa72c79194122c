"""Reads of the figures, from the roll-ups only (never from the raw attempts: a dashboard must
not scan 7.5 million rows). Every function takes the unit whose subtree it describes; callers
check that the unit is inside the organiser's subtree (see `unit_for`)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q, Sum
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _

from contests.models import Contest, Round, Unit
from contests.selectors import path_prefix_for
from participants.models import Registration
from reports.models import DailyRollup, ExportJob, RollupState, ScoreRollup, UnitRollup

FIGURES = ("registrants", "participants", "attempts", "perfect_attempts")
# Annotation names must differ from the model's field names.
_SUMS = {
    "s_registrants": Sum("registrants"),
    "s_participants": Sum("participants"),
    "s_attempts": Sum("attempts"),
    "s_perfect_attempts": Sum("perfect_attempts"),
    "s_best_score_sum": Sum("best_score_sum"),
}


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


def contests_visible_to(*, user):
    """Contests whose participation tree intersects the organiser's subtree."""
    prefix = path_prefix_for(user=user)
    if prefix is None:
        return Contest.objects.none()
    qs = Contest.objects.select_related("participation_root").order_by("-opens_at")
    if prefix == "":
        return qs
    return [c for c in qs if prefix.startswith(c.participation_root.path)]


def _clean(values: dict) -> dict:
    out = {k: int(values.get(f"s_{k}") or 0) for k in FIGURES}
    score_sum = values.get("s_best_score_sum") or Decimal(0)
    out["mean_best_score"] = (
        round(float(score_sum) / out["participants"], 2) if out["participants"] else None
    )
    return out


def _rate(participants: int, headcount: int | None) -> float | None:
    if not headcount:
        return None
    return round(participants / headcount, 4)


def _rows(contest: Contest, round_key: int):
    return UnitRollup.objects.filter(contest=contest, round_key=round_key, own=False)


def totals(*, contest: Contest, unit: Unit, round_key: int = 0) -> dict:
    """Registrants, participants, attempts, perfect attempts and mean best score of a subtree.
    Registrations are not per round: a round's figures carry the contest's registrants."""
    values = _rows(contest, round_key).filter(unit=unit).aggregate(**_SUMS)
    out = _clean(values)
    if round_key:
        out["registrants"] = int(
            _rows(contest, 0).filter(unit=unit).aggregate(n=Sum("registrants"))["n"] or 0
        )
    return out


def by_block(*, contest: Contest, unit: Unit, round_key: int = 0) -> list[dict]:
    rows = (
        _rows(contest, round_key)
        .filter(unit=unit)
        .values("block_id")
        .annotate(**_SUMS)
        .order_by("block_id")
    )
    blocks = {b.pk: b for b in Unit.objects.filter(pk__in=[r["block_id"] for r in rows])}
    out = []
    for r in rows:
        block = blocks.get(r["block_id"])
        out.append(
            {
                "code": block.code if block else "",
                "name": block.name if block else _("Chưa xác định khối"),
                **_clean(r),
                "_path": block.path if block else "~",
            }
        )
    out.sort(key=lambda d: d.pop("_path"))
    return out


def by_age_group(*, contest: Contest, unit: Unit, round_key: int = 0) -> list[dict]:
    rows = {
        r["age_group"]: r
        for r in _rows(contest, round_key)
        .filter(unit=unit)
        .values("age_group")
        .annotate(**_SUMS)
        .order_by()
    }
    out = []
    # Adults first, as the organisers' reports list them.
    for value, label in reversed(Registration.AgeGroup.choices):
        out.append({"age_group": value, "label": str(label), **_clean(rows.get(value, {}))})
    for value, r in rows.items():
        if value not in Registration.AgeGroup.values:
            out.append({"age_group": value, "label": value, **_clean(r)})
    return out


def units_figures(
    *, contest: Contest, unit: Unit, round_key: int = 0, children_only: bool = False
) -> list[dict]:
    """Every unit below `unit` (or only its children), in tree order, with its subtree
    figures, headcount and participation rate (participants / headcount)."""
    units = Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth)
    if children_only:
        units = units.filter(depth=unit.depth + 1)
    units = list(
        units.order_by("path").values("id", "code", "name", "kind", "depth", "headcount", "path")
    )
    ids = [u["id"] for u in units]
    rollup = _rows(contest, round_key).filter(
        unit__path__startswith=unit.path, unit__depth__gt=unit.depth
    )
    if children_only:
        rollup = rollup.filter(unit__depth=unit.depth + 1)
    sums = {r["unit_id"]: r for r in rollup.values("unit_id").annotate(**_SUMS).order_by()}
    registrants = {}
    if round_key:
        registrants = {
            r["unit_id"]: r["n"]
            for r in _rows(contest, 0)
            .filter(unit_id__in=ids)
            .values("unit_id")
            .annotate(n=Sum("registrants"))
            .order_by()
        }
    out = []
    for u in units:
        figures = _clean(sums.get(u["id"], {}))
        if round_key:
            figures["registrants"] = int(registrants.get(u["id"]) or 0)
        out.append(
            {
                "code": u["code"],
                "name": u["name"],
                "kind": u["kind"],
                "depth": u["depth"],
                "headcount": u["headcount"],
                **figures,
                "rate": _rate(figures["participants"], u["headcount"]),
            }
        )
    return out


def top_units(*, contest: Contest, unit: Unit, round_key: int = 0, limit: int = 10) -> list[dict]:
    """The units with most participants, per block and per level of the tree: below the
    contest's root, each block (child of the root) gets one list per level below it; below a
    block or a district, one list per level below the unit."""
    root_id = contest.participation_root_id
    groups = (
        list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path"))
        if unit.pk == root_id
        else [unit]
    )
    max_depth = (
        Unit.objects.filter(path__startswith=unit.path)
        .order_by("-depth")
        .values_list("depth", flat=True)
    ).first() or unit.depth
    out = []
    for group in groups:
        for depth in range(group.depth + 1, max_depth + 1):
            rows = list(
                _rows(contest, round_key)
                .filter(unit__path__startswith=group.path, unit__depth=depth)
                .values("unit_id", "unit__code", "unit__name", "unit__kind", "unit__headcount")
                .annotate(**_SUMS)
                .filter(s_participants__gt=0)
                .order_by("-s_participants", "unit__code")[:limit]
            )
            if not rows:
                continue
            out.append(
                {
                    "block": group.code,
                    "block_name": group.name,
                    "depth": depth,
                    "kind": rows[0]["unit__kind"],
                    "units": [
                        {
                            "code": r["unit__code"],
                            "name": r["unit__name"],
                            "headcount": r["unit__headcount"],
                            **_clean(r),
                            "rate": _rate(int(r["s_participants"] or 0), r["unit__headcount"]),
                        }
                        for r in rows
                    ],
                }
            )
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
    key = round_key_of(round_)
    return {
        "contest": contest.slug,
        "unit": unit.code,
        "round": round_.number if round_ else None,
        **totals(contest=contest, unit=unit, round_key=key),
        "by_block": by_block(contest=contest, unit=unit, round_key=key),
        "by_age_group": by_age_group(contest=contest, unit=unit, round_key=key),
        "by_unit": units_figures(contest=contest, unit=unit, round_key=key),
        "top_units": top_units(contest=contest, unit=unit, round_key=key, limit=top),
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


def summary_text(*, contest: Contest, unit: Unit | None = None, top: int = 10) -> str:
    """The organisers' sentence, from the roll-ups: "Toàn thành phố có 1.512.991 người dự thi;
    khối Sở, ban, ngành 58.462; …; từ đủ 18 tuổi 1.356.173 bài; …; các đơn vị có số lượng
    người dự thi đông: Khối …: A (8.858 người dự thi), …"."""
    unit = unit or contest.participation_root
    figures = totals(contest=contest, unit=unit)
    parts = [
        _("%(whole)s có %(n)s người dự thi")
        % {"whole": _whole(unit, contest), "n": _n(figures["participants"])}
    ]
    if unit.pk == contest.participation_root_id:
        for block in by_block(contest=contest, unit=unit):
            parts.append(f"{_lower_first(block['name'])} {_n(block['participants'])}")
    for group in by_age_group(contest=contest, unit=unit):
        if group["age_group"] == Registration.AgeGroup.ADULT:
            label = _("từ đủ 18 tuổi")
        elif group["age_group"] == Registration.AgeGroup.UNDER_18:
            label = _("từ đủ %(min)s đến dưới 18 tuổi") % {"min": contest.min_age}
        else:
            label = group["label"]
        parts.append(_("%(label)s %(n)s bài") % {"label": label, "n": _n(group["participants"])})
    tops = []
    seen_groups = set()
    for group in top_units(contest=contest, unit=unit, limit=top):
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
    return ExportJob.objects.filter(owner=user).select_related("contest", "unit")


def export_job_visible(*, user, job: ExportJob) -> bool:
    """The owner, a superuser, or the city (an account attached to a root unit) may download."""
    if user.is_superuser or job.owner_id == user.pk:
        return True
    return path_prefix_for(user=user) == ""


def q_unit_subtree(unit: Unit, field: str = "unit__path") -> Q:
    return Q(**{f"{field}__startswith": unit.path})
