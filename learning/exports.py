"""The item statistics of a contest as an Excel workbook (openpyxl, write-only): the questions
and their options for the owner side (the option counts give the key away), and for every
organiser the topics of the units below the chosen unit. Text stays text: a string a
spreadsheet would run as a formula (a question starting with "=") is an explicit string cell.
(reports.exports.base does the same for the reports; learning may not import reports.)"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from learning.rules import item_stats as rules
from learning.selectors.item_stats import QuestionRow, TopicTable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PERCENT = "0.0%"
DECIMAL = "0.000"


def _cell(sheet, value, number_format=None):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    if number_format and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell
    return value


def _sheet(workbook, title: str, headers: list[tuple[str, float]]):
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, (_header, width) in enumerate(headers):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    row = []
    for header, _width in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = Font(bold=True)
        row.append(cell)
    sheet.append(row)
    return sheet


def item_stats_xlsx(*, questions: list[QuestionRow] | None, table: TopicTable | None) -> bytes:
    """The workbook; `questions` None leaves the question sheets out (not the owner side)."""
    workbook = Workbook(write_only=True)
    if questions is not None:
        sheet = _sheet(
            workbook,
            _("Câu hỏi"),
            [
                (_("STT"), 6),
                (_("Chủ đề"), 22),
                (_("Câu hỏi"), 60),
                (_("Phiên bản"), 9),
                (_("Số lần ra đề"), 12),
                (_("Số lần trả lời"), 12),
                (_("Số lần đúng"), 12),
                (_("Tỷ lệ đúng"), 11),
                (_("Độ phân biệt"), 12),
                (_("Cảnh báo"), 40),
            ],
        )
        for row in questions:
            stat = row.stat
            sheet.append(
                [
                    row.number,
                    _cell(sheet, row.topic),
                    _cell(sheet, row.text),
                    row.version,
                    stat.drawn,
                    stat.answered,
                    stat.correct,
                    _cell(sheet, stat.facility, PERCENT),
                    _cell(sheet, stat.discrimination, DECIMAL),
                    "; ".join(label for _code, label, _text in row.flags),
                ]
            )
        sheet = _sheet(
            workbook,
            _("Phương án"),
            [
                (_("STT câu hỏi"), 10),
                (_("Phương án"), 10),
                (_("Nội dung"), 50),
                (_("Đáp án"), 9),
                (_("Số lần chọn"), 12),
                (_("Tỷ lệ chọn"), 11),
                (_("Nhóm cao chọn"), 13),
                (_("Nhóm thấp chọn"), 13),
            ],
        )
        for row in questions:
            for option in row.options:
                sheet.append(
                    [
                        row.number,
                        option.position,
                        _cell(sheet, option.text),
                        _("Đúng") if option.is_key else "",
                        option.chosen,
                        _cell(sheet, option.share, PERCENT),
                        option.chosen_upper,
                        option.chosen_lower,
                    ]
                )
    if table is not None:
        sheet = _sheet(
            workbook,
            _("Chủ đề theo đơn vị"),
            [
                (_("Đơn vị"), 30),
                (_("Mã đơn vị"), 12),
                (_("Chủ đề"), 30),
                (_("Số lượt ra đề"), 13),
                (_("Số lượt đúng"), 13),
                (_("Tỷ lệ đúng"), 11),
                (_("Thứ hạng yếu"), 12),
            ],
        )
        units = [(table.parent, table.total)] + [
            (
                u.unit,
                [
                    rules.TopicRow(t.pk, t.name, drawn, correct)
                    for t, (drawn, correct, _share) in zip(table.topics, u.cells, strict=True)
                ],
            )
            for u in table.units
        ]
        for unit, topic_rows in units:
            weak = {r.topic_id: i for i, r in enumerate(rules.weakest_topics(topic_rows), 1)}
            for r in topic_rows:
                sheet.append(
                    [
                        _cell(sheet, unit.name),
                        _cell(sheet, unit.code),
                        _cell(sheet, r.topic),
                        r.drawn,
                        r.correct,
                        _cell(sheet, r.share, PERCENT),
                        weak.get(r.topic_id),
                    ]
                )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
