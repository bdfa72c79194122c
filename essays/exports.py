"""The marks of a panel as an Excel workbook (openpyxl, write-only). Text stays text: a string a
spreadsheet would run as a formula (a judge's name starting with "=") is an explicit string
cell; times are local date cells. Entry codes only, never the person."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from essays.models import Panel
from essays.selectors.judging import marks_export_rows

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(sheet, value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = "dd/mm/yyyy hh:mm:ss"
        return cell
    return value


def panel_marks_xlsx(panel: Panel) -> bytes:
    header, rows = marks_export_rows(panel)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Điểm chấm")))
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABC", (14, 10, 28), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
