"""A streaming Excel writer on openpyxl's write-only mode (lxml installed: about 1.4× faster).

- Vietnamese headers in bold, the header row frozen, column widths set;
- text cells stay text: a document number or a phone keeps its leading zero (they are written
  as strings, never converted to numbers);
- formula injection impossible, text unchanged: a string starting with = + - @ tab or CR is
  written as an explicit string cell (openpyxl would otherwise store a string starting with
  "=" as a formula), never prefixed with an apostrophe, which Excel and LibreOffice would show
  as part of the data ("'-Đỗ Hữu Nghĩa", "'+84912345678");
- a new sheet every `rows_per_sheet` data rows (Excel's limit is 1,048,576 rows): "Kết quả",
  "Kết quả (2)", … each with the header row again;
- dates and times as real date cells shown dd/mm/yyyy (and hh:mm:ss), in local time (Excel
  has no time zones)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.conf import settings
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
# Excel's sheet names: at most 31 characters, none of []:*?/\
_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_cell(sheet, value, number_format: str | None = None):
    """The value as it should be written to a write-only `sheet`: a string that a spreadsheet
    would run as a formula becomes an explicit string cell (the text exactly as typed), a date
    or datetime a date cell shown dd/mm/yyyy; anything else is returned as is (cheapest)."""
    if isinstance(value, str):
        if not value or value[0] not in DANGEROUS_PREFIXES:
            return value
        cell = WriteOnlyCell(sheet, value=value)
        # After the value: assigning "=..." made it a formula; this makes it text again.
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime.date):  # datetime.datetime is a date too
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format or (
            DATETIME_FORMAT if isinstance(value, datetime.datetime) else DATE_FORMAT
        )
        return cell
    if number_format is not None and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell
    return value


class Column:
    def __init__(self, header: str, width: float = 14, number_format: str | None = None):
        self.header = str(header)
        self.width = width
        self.number_format = number_format


class SheetWriter:
    """Write rows to a workbook, splitting into sheets of at most `rows_per_sheet` rows."""

    def __init__(self, *, rows_per_sheet: int | None = None):
        self.workbook = Workbook(write_only=True)
        self.rows_per_sheet = rows_per_sheet or settings.EXPORT_ROWS_PER_SHEET
        self._sheet = None
        self._rows_in_sheet = 0
        self._title = ""
        self._columns: list[Column] = []
        self._parts = 0
        self.rows_written = 0
        self._formats: dict[int, str] = {}

    def start(self, title: str, columns: Sequence[Column]) -> None:
        """Begin a new table (a new sheet) with these columns."""
        self._title = title.translate(_FORBIDDEN)[:24]
        self._columns = list(columns)
        self._parts = 0
        self._formats = {i: c.number_format for i, c in enumerate(columns) if c.number_format}
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._parts += 1
        title = self._title if self._parts == 1 else f"{self._title} ({self._parts})"
        sheet = self.workbook.create_sheet(title=title)
        for index, column in enumerate(self._columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in self._columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.data_type = "s"  # a header is text, whatever it starts with
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            header.append(cell)
        sheet.append(header)
        self._sheet = sheet
        self._rows_in_sheet = 0

    def append(self, values: Sequence) -> None:
        if self._rows_in_sheet >= self.rows_per_sheet:
            self._new_sheet()
        sheet, formats = self._sheet, self._formats
        sheet.append([sheet_cell(sheet, v, formats.get(i)) for i, v in enumerate(values)])
        self._rows_in_sheet += 1
        self.rows_written += 1

    def extend(self, rows: Iterable[Sequence]) -> None:
        for row in rows:
            self.append(row)

    def save(self, path_or_file) -> None:
        self.workbook.save(path_or_file)
