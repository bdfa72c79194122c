"""The prize list (scoring's allocation, or the published snapshot) with amounts, and the
budget per structure and tier (count × amount): of the contest's overall prizes, or of one
round's (`round_prize_list`: that round's latest published snapshot, else a fresh
allocation)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from contests.models import Contest, PrizeTier, Round, Unit
from reports.exports.base import Column, SheetWriter
from scoring.selectors.prizes import prize_list, prizes_allocate
from scoring.selectors.results import snapshot_latest


def round_prize_list(*, contest: Contest, round: Round | None) -> list[dict]:  # noqa: A002
    """The prize rows of `round` (None: the contest's overall prizes, `prize_list`): the
    frozen rows of its latest published snapshot, else a fresh allocation of its
    structures."""
    if round is None:
        return prize_list(contest=contest)
    snapshot = snapshot_latest(contest=contest, round=round)
    if snapshot is not None:
        return list(snapshot.prizes)
    return prizes_allocate(contest=contest, round=round).rows


def _in_scope(row: dict, unit: Unit | None, contest: Contest) -> bool:
    if unit is None or unit.pk == contest.participation_root_id:
        return True
    code = row.get("unit_code")
    return bool(code) and Unit.objects.filter(code=code, path__startswith=unit.path).exists()


def write(
    writer: SheetWriter,
    *,
    contest: Contest,
    unit: Unit | None,
    full_identity=False,
    round: Round | None = None,  # noqa: A002
    **_kw,
) -> int:
    kinds = dict(PrizeTier.Kind.choices)
    title = _("Danh sách giải")
    if round is not None:
        title = _("Giải vòng %(n)s") % {"n": round.number}
    writer.start(
        title,
        [
            Column(_("Cơ cấu giải"), 30),
            Column(_("Phạm vi"), 24),
            Column(_("Loại giải"), 10),
            Column(_("Giải"), 16),
            Column(_("Thứ tự"), 8),
            Column(_("Người/đơn vị đạt giải"), 30),
            Column(_("Đơn vị"), 30),
            Column(_("Trị giá (đồng)"), 14, number_format="#,##0"),
        ],
    )
    total = 0
    for row in round_prize_list(contest=contest, round=round):
        if not _in_scope(row, unit, contest):
            continue
        amount = int(row.get("amount") or 0)
        total += amount
        writer.append(
            (
                row.get("structure", ""),
                row.get("unit_scope") or "",
                str(kinds.get(row.get("kind"), row.get("kind", ""))),
                row.get("tier", ""),
                row.get("position") or row.get("rank_order"),
                row.get("winner_name") or "",
                row.get("unit_name") or "",
                amount,
            )
        )
    writer.append((_("Tổng cộng"), "", "", "", None, "", "", total))
    writer.start(
        _("Kinh phí"),
        [
            Column(_("Cơ cấu giải"), 30),
            Column(_("Loại giải"), 10),
            Column(_("Giải"), 16),
            Column(_("Số giải"), 8),
            Column(_("Trị giá mỗi giải (đồng)"), 16, number_format="#,##0"),
            Column(_("Thành tiền (đồng)"), 16, number_format="#,##0"),
        ],
    )
    tiers = PrizeTier.objects.filter(structure__contest=contest, structure__round=round)
    tiers = tiers.select_related("structure", "structure__unit")
    if unit is not None and unit.pk != contest.participation_root_id:
        tiers = tiers.filter(structure__unit__path__startswith=unit.path)
    budget = 0
    for tier in tiers.order_by("structure_id", "kind", "rank_order"):
        budget += tier.total
        writer.append(
            (
                tier.structure.title,
                str(kinds.get(tier.kind, tier.kind)),
                tier.name,
                tier.count,
                tier.amount,
                tier.total,
            )
        )
    writer.append((_("Tổng kinh phí"), "", "", None, None, budget))
    return writer.rows_written
