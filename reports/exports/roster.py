"""The "chưa tham gia" workbook for a unit's focal point: everyone on the roster of the unit's
subtree who has not taken part (not registered, or registered without a graded attempt),
then the roster's figures per unit (units where everyone took part marked), then the
targets with their progress and projection. Numbers masked unless the caller may see them
in full (it then logs the export)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from contests.masking import mask_document
from contests.models import Contest, Unit
from participants.identity import phone_national
from participants.masking import mask_phone
from reports import selectors_targets
from reports.exports.base import Column, SheetWriter
from reports.rules.targets import NOT_REGISTERED

# A unit's list is downloaded while the organiser waits: a city's 100,000 staff are one
# click per district instead.
MAX_ROWS = 50_000


def status_label(status: str) -> str:
    if status == NOT_REGISTERED:
        return _("Chưa đăng ký dự thi")
    return _("Đã đăng ký, chưa làm bài thi")


def write_not_yet(writer: SheetWriter, *, rows: list[dict], full_identity: bool) -> None:
    writer.start(
        _("Chưa tham gia"),
        [
            Column(_("STT"), 6),
            Column(_("Họ và tên"), 28),
            Column(_("Chức vụ"), 20),
            Column(_("Đơn vị"), 30),
            Column(_("Mã đơn vị"), 14),
            Column(_("Số CCCD"), 16),
            Column(_("Số điện thoại"), 14),
            Column(_("Tình trạng"), 26),
        ],
    )
    for number, r in enumerate(rows, start=1):
        document = r["document_number"] if full_identity else mask_document(r["document_number"])
        phone = phone_national(r["phone"]) if full_identity else mask_phone(r["phone"])
        writer.append(
            (
                number,
                r["full_name"],
                r["position"],
                r["unit_name"],
                r["unit_code"],
                document,
                phone,
                status_label(r["status"]),
            )
        )


def write_units(writer: SheetWriter, *, units: list[dict], base_depth: int) -> None:
    writer.start(
        _("Theo đơn vị"),
        [
            Column(_("Mã đơn vị"), 14),
            Column(_("Đơn vị"), 34),
            Column(_("Số người trong danh sách"), 14),
            Column(_("Đã đăng ký"), 12),
            Column(_("Đã tham gia"), 12),
            Column(_("Chưa tham gia"), 12),
            Column(_("Tỷ lệ tham gia"), 10, number_format="0.0%"),
            Column(_("100% tham gia"), 10),
        ],
    )
    for u in units:
        writer.append(
            (
                u["code"],
                "  " * max(0, u["depth"] - base_depth) + u["name"],
                u["listed"],
                u["registered"],
                u["taken_part"],
                u["not_yet"],
                u["percent"] / 100 if u["percent"] is not None else None,
                _("Có") if u["complete"] else "",
            )
        )


def write_targets(writer: SheetWriter, *, contest: Contest, unit: Unit) -> int:
    """The targets sheet (also in the summary workbook)."""
    rows = selectors_targets.targets_of(contest=contest, unit=unit)
    if not rows:
        return 0
    writer.start(
        _("Chỉ tiêu"),
        [
            Column(_("Mã đơn vị"), 14),
            Column(_("Đơn vị"), 34),
            Column(_("Chỉ tiêu (người)"), 12),
            Column(_("Người dự thi"), 12),
            Column(_("Tiến độ"), 10, number_format="0.0%"),
            Column(_("Đạt 100%"), 9),
            Column(_("Dự kiến đến khi kết thúc"), 14),
            Column(_("Người mới mỗi ngày (7 ngày gần nhất)"), 14),
        ],
    )
    for r in rows:
        writer.append(
            (
                r.code,
                "  " * max(0, r.depth - unit.depth) + r.name,
                r.target,
                r.participants,
                r.progress / 100 if r.progress is not None else None,
                _("Có") if r.reached else "",
                r.projected,
                r.per_day,
            )
        )
    return len(rows)


def roster_workbook(
    *, contest: Contest, unit: Unit, rows: list[dict], full_identity: bool
) -> bytes:
    writer = SheetWriter()
    write_not_yet(writer, rows=rows, full_identity=full_identity)
    write_units(
        writer,
        units=selectors_targets.roster_units(contest=contest, unit=unit),
        base_depth=unit.depth,
    )
    write_targets(writer, contest=contest, unit=unit)
    buffer = io.BytesIO()
    writer.save(buffer)
    return buffer.getvalue()
