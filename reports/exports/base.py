"""The one Excel writer of the exports, on rustpy-xlsxwriter (the Rust rust_xlsxwriter crate
behind a Python binding; constant memory: each sheet's rows go to disk as they come). Chosen by
`benchmarks/export_bench.py`: the same 1.5 M result rows cost a few seconds of cell writing
here against minutes with openpyxl's write-only mode or XlsxWriter (docs/reports.md).

What a clerk gets, whatever the table:
- Vietnamese headers in bold (wrapped, centred vertically), the header row frozen, column
  widths set;
- text cells stay text exactly as typed: a document number or a phone keeps its leading zero,
  and a string starting with = + - @ is a string cell, never a formula, with no apostrophe
  added (the writer has no formula path for plain values);
- a new sheet every `rows_per_sheet` data rows (Excel's limit is 1,048,576 rows): "Kết quả",
  "Kết quả (2)", … each with the header row again;
- dates and times as real date cells shown dd/mm/yyyy (and hh:mm:ss), in local time (Excel
  has no time zones); a column's number format (`Column.number_format`) otherwise.

The writer pulls rows (it iterates each sheet's rows while it saves), so a table is either
appended row by row and kept in memory until `save` (the small tables: summaries, units,
prizes, the board), or given as an iterable with its row count (`start(..., rows=, count=)`),
which is read only while saving, one row at a time (the 1.5 M-row results)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.utils.translation import gettext as _
from rustpy_xlsxwriter import Format, write_worksheets

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
# Excel's sheet names: at most 31 characters, none of []:*?/\
_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


class Column:
    def __init__(self, header: str, width: float = 14, number_format: str | None = None):
        self.header = str(header)
        self.width = width
        self.number_format = number_format


def column_format(column: Column, sample) -> str | None:
    """The number format of a column: its own, else dd/mm/yyyy when its first value is a
    date without a time (the writer's default for dates and datetimes is DATETIME_FORMAT),
    else none. The writer keeps a column's cell type from its first value on: a column holds
    one kind of value (a datetime in a column of dates would lose its time)."""
    if column.number_format:
        return column.number_format
    if isinstance(sample, datetime.date) and not isinstance(sample, datetime.datetime):
        return DATE_FORMAT
    return None


class _Table:
    """One table: its title, columns and rows (a list, or an iterator with a count)."""

    def __init__(self, title: str, columns: Sequence[Column], rows, count: int | None):
        headers = [c.header for c in columns]
        if len(set(headers)) != len(headers):
            # The writer keys cells by header: two equal headers would merge two columns.
            raise ValueError(f"Hai cột cùng tên trong bảng {title!r}.")
        self.title = title
        self.columns = list(columns)
        self.headers = headers
        self.rows = rows
        self.count = count
        self.written = 0


class SheetWriter:
    """Write tables to one workbook, each split into sheets of at most `rows_per_sheet` rows."""

    def __init__(self, *, rows_per_sheet: int | None = None):
        self.rows_per_sheet = rows_per_sheet or settings.EXPORT_ROWS_PER_SHEET
        self._tables: list[_Table] = []
        self._titles: set[str] = set()

    @property
    def rows_written(self) -> int:
        """The data rows appended so far, plus those of streamed tables once saved."""
        return sum(len(t.rows) if isinstance(t.rows, list) else t.written for t in self._tables)

    def start(
        self,
        title: str,
        columns: Sequence[Column],
        *,
        rows: Iterable[Sequence] | None = None,
        count: int | None = None,
    ) -> None:
        """Begin a new table (a new sheet) with these columns. Without `rows`, fill it with
        `append`/`extend`; with `rows` (read only while saving) `count` is its number of rows,
        which sets how many sheets it takes; `save` fails if `rows` holds more."""
        if rows is not None and count is None:
            raise ValueError("count is required with rows")
        table = _Table(
            title.translate(_FORBIDDEN)[:24],
            columns,
            [] if rows is None else iter(rows),
            count,
        )
        self._tables.append(table)

    def append(self, values: Sequence) -> None:
        self._tables[-1].rows.append(values)

    def extend(self, rows: Iterable[Sequence]) -> None:
        self._tables[-1].rows.extend(rows)

    def save(self, path_or_file) -> None:
        """Write the workbook to a path or a binary file object."""
        sheets, widths, formats, headers = [], {}, {}, {}
        header = Format().set_bold().set_text_wrap().set_align("vcenter")
        streams = []
        for table in self._tables:
            width = len(table.columns)
            if isinstance(table.rows, list):
                count, sample = len(table.rows), _first_values(table.rows, width)
                parts = [
                    iter(table.rows[i : i + self.rows_per_sheet])
                    for i in range(0, count, self.rows_per_sheet)
                ]
                source = None
            else:
                count = table.count
                source, first = _peek(table.rows)
                sample = (list(first) + [None] * width)[:width]
                size = self.rows_per_sheet
                parts = [
                    itertools.islice(source, min(size, count - start))
                    for start in range(0, max(count, 1), size)
                ]
                streams.append((table, source))
            if not parts:
                parts = [iter(())]
            column_formats = [
                Format().set_num_format(f) if (f := column_format(c, s)) else None
                for c, s in zip(table.columns, sample, strict=True)
            ]
            for number, part in enumerate(parts, start=1):
                name = table.title if number == 1 else f"{table.title} ({number})"
                sheets.append((name, _records(table, part, counted=source is not None)))
                widths[name] = [c.width for c in table.columns]
                formats[name] = column_formats
                headers[name] = header
        write_worksheets(
            sheets,
            path_or_file,
            freeze_panes={"general": {"row": 1, "col": 0}},
            datetime_format=DATETIME_FORMAT,
            column_widths=widths,
            column_formats=formats,
            header_format=headers,
        )
        for table, source in streams:
            if next(source, None) is not None:
                # Never a silently shortened file: the count was wrong.
                raise RuntimeError(
                    _("Bảng %(title)s có nhiều hơn %(count)s dòng đã báo trước.")
                    % {"title": table.title, "count": table.count}
                )


def _records(table: _Table, rows: Iterator[Sequence], *, counted: bool) -> Iterator[dict]:
    """The rows as the writer takes them: one dict per row keyed by the headers, every column
    present (the writer reads a row's values by position). A table with no rows gets one
    empty row, which the writer leaves out but which gives it the header row."""
    headers, width = table.headers, len(table.headers)
    empty = True
    for row in rows:
        empty = False
        if len(row) != width:
            row = (list(row) + [None] * width)[:width]
        if counted:
            table.written += 1
        yield dict(zip(headers, row, strict=False))
    if empty:
        yield dict.fromkeys(headers)


def _first_values(rows: list[Sequence], width: int) -> list:
    """Each column's first value that is not None (None where there is none)."""
    found: list = [None] * width
    missing = set(range(width))
    for row in rows:
        for i in list(missing):
            if i < len(row) and row[i] is not None:
                found[i] = row[i]
                missing.discard(i)
        if not missing:
            break
    return found


def _peek(rows: Iterator[Sequence]) -> tuple[Iterator[Sequence], Sequence]:
    """The iterator unchanged and its first row (an empty row if there is none)."""
    first = next(rows, None)
    if first is None:
        return iter(()), ()
    return itertools.chain((first,), rows), first
