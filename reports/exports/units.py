"""Participation by unit: every node of the subtree with its headcount, figures and rate."""

from __future__ import annotations

from django.utils.translation import gettext as _

from contests.models import Contest, Unit
from reports import selectors
from reports.exports.base import Column, SheetWriter


def write(writer: SheetWriter, *, contest: Contest, unit: Unit, progress=None, **_kw) -> int:
    writer.start(
        _("Đơn vị"),
        [
            Column(_("Mã đơn vị"), 16),
            Column(_("Tên đơn vị"), 36),
            Column(_("Cấp"), 6),
            Column(_("Số người (biên chế/dân số)"), 14),
            Column(_("Số người đăng ký"), 12),
            Column(_("Số người dự thi"), 12),
            Column(_("Số bài dự thi"), 12),
            Column(_("Số bài đúng tất cả"), 12),
            Column(_("Tỷ lệ tham gia"), 10, number_format="0.00%"),
        ],
    )
    figures = selectors.Figures(contest=contest)
    own = figures.totals(unit)
    rows = [
        {
            "code": unit.code,
            "name": unit.name,
            "depth": unit.depth,
            "headcount": unit.headcount,
            **own,
            "rate": selectors.rate(own["participants"], unit.headcount),
        },
        *figures.units_figures(unit),
    ]
    for r in rows:
        writer.append(
            (
                r["code"],
                # Indented by level, so the tree reads at a glance.
                "  " * max(0, r["depth"] - unit.depth) + r["name"],
                r["depth"] - unit.depth,
                r["headcount"],
                r["registrants"],
                r["participants"],
                r["attempts"],
                r["perfect_attempts"],
                r["rate"],
            )
        )
    return len(rows)
