"""Importing units into the tree: from an .xlsx file (columns code, name, parent code, kind,
headcount) or from the `vietnam-provinces` package (one province and its communes/wards, the
two-level units in force since the July 2025 reform).

Both go through the same two phases: every row is validated first (unknown parent, duplicate
code, cycle, missing name, wrong type, scope), and only a file with no error at all is written,
in one transaction, parents before children. A bad file therefore changes nothing and gets a
report of every problem in one pass, each by its row number and column, in Vietnamese: a row
with a bad cell still takes part in the checks between rows (a duplicate code, an unknown
parent), so fixing one error never reveals another that was there all along.

The "Loại" column takes the kind's Vietnamese label ("Phường/Xã/Thị trấn", as the template's
drop-down offers) or its code ("ward", as older files have it).

New units are bulk-inserted with their treebeard paths computed here (about 20 queries for
10,000 rows) when they sort after their existing siblings, which is the usual case; otherwise
treebeard's sorted insertion adds them one by one (a few queries each).

The .xlsx is checked as a zip archive before openpyxl opens it: its size, the number of members
and their declared uncompressed sizes (zipfile never inflates a member past its declared size,
so the declared sizes bound the work), which stops zip bombs."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contests.models import Unit
from contests.models.units import unit_code_validator
from contests.services.units import unit_add

# --- Limits ---------------------------------------------------------------------------------

MAX_FILE_BYTES = 10 * 1024 * 1024  # the upload itself (compressed)
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # sum of the archive members' declared sizes
MAX_MEMBERS = 1000
# A member larger than 1 MB that inflates more than 100 times is a bomb, not a spreadsheet
# (real sheets compress 5-20 times).
MAX_RATIO = 100
RATIO_CHECK_ABOVE_BYTES = 1024 * 1024
MAX_ROWS = 10_000

CODE_MAX_LENGTH = Unit._meta.get_field("code").max_length
NAME_MAX_LENGTH = Unit._meta.get_field("name").max_length

# --- Columns --------------------------------------------------------------------------------

COLUMNS = [
    gettext_lazy("Mã đơn vị"),
    gettext_lazy("Tên đơn vị"),
    gettext_lazy("Mã đơn vị cấp trên"),
    gettext_lazy("Loại"),
    gettext_lazy("Số người"),
]
# Accepted spellings of each header (lower-cased): Vietnamese as in the template, or English.
HEADER_ALIASES = [
    {"mã đơn vị", "mã", "code"},
    {"tên đơn vị", "tên", "name"},
    {"mã đơn vị cấp trên", "mã cấp trên", "cấp trên", "parent code", "parent_code", "parent"},
    {"loại", "loại đơn vị", "kind"},
    {"số người", "số người (biên chế/dân số)", "headcount"},
]

CODE, NAME, PARENT, KIND, HEADCOUNT = range(5)  # column indexes, as in COLUMNS

_THOUSANDS = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


# --- Report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: `row` is the spreadsheet's row number (the header is row 1), None for a
    problem with the whole file; `column` the index of the column in COLUMNS (None: the row
    as a whole)."""

    row: int | None
    message: str
    column: int | None = None

    @property
    def column_label(self) -> str:
        """ "B (Tên đơn vị)": the letter Excel shows above the column, and its header."""
        if self.column is None:
            return ""
        return f"{'ABCDE'[self.column]} ({COLUMNS[self.column]})"

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Dòng %(row)s, cột %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column_label,
            "message": self.message,
        }


@dataclass
class ImportReport:
    """What an import did. When `errors` is not empty nothing was written."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        return [str(e) for e in self.errors]

    def summary(self) -> str:
        if not self.ok:
            return _("Không nhập được: %(count)s lỗi, chưa có thay đổi nào được ghi.") % {
                "count": number_format(len(self.errors)),
            }
        return _(
            "Đã nhập: %(created)s đơn vị mới, %(updated)s đơn vị được cập nhật, "
            "%(unchanged)s đơn vị không đổi."
        ) % {
            "created": number_format(self.created),
            "updated": number_format(self.updated),
            "unchanged": number_format(self.unchanged),
        }


@dataclass
class _Row:
    row: int | None
    code: str
    name: str
    parent_code: str  # "" = the default parent
    kind: str
    headcount: int | None
    # False when a cell of the row is wrong: the row still takes part in the checks between
    # rows (with its parent code when that cell is right), and the file is refused anyway.
    complete: bool = True
    parent_ok: bool = True


# --- Public services ------------------------------------------------------------------------


def units_import_xlsx(
    *, file: str | Path | BinaryIO, parent: Unit | None = None, within: Unit | None = None
) -> ImportReport:
    """Import units from an .xlsx (first sheet; header row, then one unit per row: code, name,
    parent code, kind, headcount).

    Guarantees: either every row is valid and all of them are written in one transaction, or
    nothing is written and the report lists every bad row. A row with an empty parent code goes
    under `parent` (a root when None). With `within`, the import is confined to that unit's
    subtree: parents must lie in it, units outside it are neither found nor changed, and
    `within` itself is not changed (an organiser's own unit belongs to the level above).
    A code already in the tree with the same parent is updated (name, kind, headcount), so the
    same file can be imported twice."""
    if within is not None and parent is None:
        parent = within
    rows, errors, bad_codes = _read_xlsx(file)
    if any(e.row is None for e in errors):
        return ImportReport(errors=errors)
    # Rows that did not parse are reported with the structural problems of the others.
    return _import_rows(rows, parent=parent, within=within, errors=errors, bad_codes=bad_codes)


def units_import_province(
    *, province_code: int | str, parent: Unit | None = None, within: Unit | None = None
) -> ImportReport:
    """Import one province (or centrally-run city) and its communes, wards and special zones
    from the `vietnam-provinces` package: the two-level units in force since 1 July 2025.

    Codes are the official ones, zero-padded (province "01", ward "00070"). Same guarantees as
    `units_import_xlsx`: all or nothing, idempotent (names and kinds are brought up to date)."""
    from vietnam_provinces import Province, Ward

    try:
        number = int(str(province_code).strip())
        province = Province.from_code(number)
    except ValueError:
        return ImportReport(
            errors=[
                RowError(
                    None,
                    _(
                        "Không có tỉnh, thành phố mã «%(code)s» trong dữ liệu hành chính "
                        "(34 tỉnh, thành phố từ 01/7/2025)."
                    )
                    % {"code": province_code},
                )
            ]
        )
    province_unit_code = f"{int(province.code):02d}"
    rows = [
        _Row(
            row=None,
            code=province_unit_code,
            name=province.name,
            parent_code="",
            kind=Unit.Kind.PROVINCE,
            headcount=None,
        )
    ]
    for ward in sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code)):
        rows.append(
            _Row(
                row=None,
                code=f"{int(ward.code):05d}",
                name=ward.name,
                parent_code=province_unit_code,
                kind=Unit.Kind.WARD,
                headcount=None,
            )
        )
    return _import_rows(rows, parent=parent, within=within, keep_headcount=True)


def units_template_xlsx() -> bytes:
    """The template an organiser fills in: the header row on the first sheet (code columns as
    text, so leading zeros survive), a list of kinds to choose from, and a sheet with
    instructions and an example."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Đơn vị")
    sheet.append([str(c) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (18, 40, 22, 16, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    for letter in "ABC":
        for row in range(2, 1002):
            sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet(_("Hướng dẫn"))
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 90
    lines: list[list[Any]] = [
        [_("Cột"), _("Nội dung")],
        [str(COLUMNS[0]), _("Bắt buộc, không trùng; tối đa %(n)s ký tự.") % {"n": CODE_MAX_LENGTH}],
        [str(COLUMNS[1]), _("Bắt buộc; tối đa %(n)s ký tự.") % {"n": NAME_MAX_LENGTH}],
        [
            str(COLUMNS[2]),
            _(
                "Mã của đơn vị cấp trên: một đơn vị đã có hoặc một dòng khác trong tệp (trước "
                "hay sau đều được). Để trống: đơn vị nằm ngay dưới đơn vị được chọn khi nhập."
            ),
        ],
        [
            str(COLUMNS[3]),
            _(
                "Chọn trong danh sách: một trong các loại dưới đây (để trống: Đơn vị khác). Mã "
                "loại cũ (cột bên phải) vẫn được chấp nhận."
            ),
        ],
        [str(COLUMNS[4]), _("Số nguyên không âm, có thể để trống; dùng để tính tỷ lệ tham gia.")],
        [],
        [_("Loại"), _("Mã loại cũ")],
        *[[str(label), value] for value, label in Unit.Kind.choices],
        [],
        [_("Ví dụ")],
        [str(c) for c in COLUMNS],
        ["TX", "Quận Thanh Xuân", "", str(Unit.Kind.DISTRICT.label), 290000],
        ["TX-NC", "Phường Nhân Chính", "TX", str(Unit.Kind.WARD.label), 40000],
        ["TX-THCS1", "Trường THCS Nhân Chính", "TX-NC", str(Unit.Kind.SCHOOL.label), 900],
    ]
    for line in lines:
        guide.append(line)
    kinds_header = 8
    for row in (1, kinds_header):
        for cell in guide[row]:
            cell.font = Font(bold=True)
    # The "Loại" drop-down lists the labels from the guide (a list typed into the rule itself
    # cannot hold them: "Sở, ban, ngành" has commas).
    first, last = kinds_header + 1, kinds_header + len(Unit.Kind.choices)
    kinds = DataValidation(
        type="list",
        formula1=f"'{guide.title}'!$A${first}:$A${last}",
        allow_blank=True,
        # A warning, not a stop: an old code ("ward") typed in is still accepted on import.
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=str(COLUMNS[3]),
        error=_("Nên chọn một loại trong danh sách."),
    )
    sheet.add_data_validation(kinds)
    kinds.add("D2:D1001")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading the file -----------------------------------------------------------------------


_Parsed = tuple[list["_Row"], list[RowError], set[str]]


def _file_error(message: str) -> _Parsed:
    return [], [RowError(None, message)], set()


def _not_xlsx() -> _Parsed:
    return _file_error(_("Tệp không phải là tệp Excel .xlsx hợp lệ (hãy dùng tệp mẫu)."))


def _read_xlsx(file: str | Path | BinaryIO) -> _Parsed:
    if isinstance(file, str | Path):
        with open(file, "rb") as handle:
            return _read_xlsx(handle)

    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size > MAX_FILE_BYTES:
        return _file_error(
            _("Tệp quá lớn: %(size)s MB, tối đa %(max)s MB.")
            % {"size": number_format(size / 1024 / 1024, 1), "max": MAX_FILE_BYTES // 1024**2}
        )
    if size == 0 or not zipfile.is_zipfile(file):
        return _not_xlsx()
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, OSError, ValueError):
        return _not_xlsx()
    bomb = _("Tệp Excel giải nén ra quá lớn hoặc bất thường (có thể là tệp độc hại): không nhập.")
    if len(members) > MAX_MEMBERS:
        return _file_error(bomb)
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        return _file_error(bomb)
    for member in members:
        if member.file_size > RATIO_CHECK_ABOVE_BYTES and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            return _file_error(bomb)
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        return _not_xlsx()

    from openpyxl import load_workbook

    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, XML errors...) on broken files
        return _not_xlsx()
    try:
        return _parse_sheet(workbook.worksheets[0])
    except Exception:  # a damaged sheet fails lazily, while iterating
        return _not_xlsx()
    finally:
        workbook.close()


def _normalise_header(value: Any) -> str:
    return " ".join(str(value or "").split()).lower()


def _parse_sheet(sheet) -> _Parsed:
    sheet.reset_dimensions()
    rows: list[_Row] = []
    errors: list[RowError] = []
    bad_codes: set[str] = set()
    iterator = sheet.iter_rows(min_row=1, max_col=5, values_only=True)
    header = next(iterator, None)
    header = list(header or []) + [None] * 5
    if any(
        _normalise_header(header[i]) not in HEADER_ALIASES[i] for i in range(len(HEADER_ALIASES))
    ):
        return _file_error(
            str(
                RowError(
                    1,
                    _("tiêu đề các cột phải là: %(columns)s (hãy dùng tệp mẫu).")
                    % {"columns": ", ".join(str(c) for c in COLUMNS)},
                )
            )
        )
    seen = 0
    for number, values in enumerate(iterator, start=2):
        values = list(values) + [None] * (5 - len(values))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values[:5]):
            continue
        seen += 1
        if seen > MAX_ROWS:
            return _file_error(
                _("Tệp có quá nhiều dòng: tối đa %(max)s đơn vị một lần.")
                % {"max": number_format(MAX_ROWS)}
            )
        row, row_errors = _parse_row(number, values)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
        elif row_errors:
            code = _text(values[0])
            if code:
                bad_codes.add(code)
    if not seen:
        return _file_error(_("Tệp không có dòng dữ liệu nào (dưới dòng tiêu đề)."))
    # Rows with a bad code are left out of `rows` (their code cannot be checked against the
    # others); rows with another bad cell stay in, marked incomplete, for the checks between
    # rows (duplicates, parents, cycles). Either way the file is refused.
    return rows, errors, bad_codes


def _text(value: Any) -> str | None:
    """A cell as text: strings stripped, whole numbers without ".0"; None for other types."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def _kind_key(text: str) -> str:
    """A kind as typed, compared without case, Unicode form (Vietnamese typed in decomposed
    form looks the same) or spaces around "/" and ","."""
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"\s*([/,])\s*", r"\1", text)
    return " ".join(text.split())


def kind_labels() -> list[str]:
    """The kinds' Vietnamese labels, in the order of Unit.Kind: what the template offers."""
    return [str(label) for _value, label in Unit.Kind.choices]


_KIND_LOOKUPS: dict[str, dict[str, str]] = {}


def _kind_from(text: str) -> str | None:
    if not text:
        return Unit.Kind.OTHER
    # Both the Vietnamese label ("Phường/Xã/Thị trấn") and the code ("ward") are accepted;
    # labels in the language of the request too (an English template says "Ward/Commune").
    language = translation.get_language() or "vi"
    lookup = _KIND_LOOKUPS.get(language)
    if lookup is None:
        lookup = {}
        for value, label in Unit.Kind.choices:
            lookup[value] = value
            lookup[_kind_key(str(label))] = value
            with translation.override("vi"):
                lookup[_kind_key(str(label))] = value
        _KIND_LOOKUPS[language] = lookup
    return lookup.get(_kind_key(text))


def _headcount_from(value: Any) -> tuple[int | None, bool]:
    """(headcount, ok)."""
    if value is None:
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int):
        return value, value >= 0
    if isinstance(value, float):
        return (int(value), True) if value.is_integer() and value >= 0 else (None, False)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, True
        if _THOUSANDS.match(text):  # 1.512.991 or 1,512,991
            text = re.sub(r"[.,\s]", "", text)
        if text.isascii() and text.isdigit():
            return int(text), True
    return None, False


def _parse_row(number: int, values: list[Any]) -> tuple[_Row | None, list[RowError]]:
    """The row and every problem of its cells; no row when its code is unusable."""
    errors: list[RowError] = []
    code = _text(values[CODE])
    name = _text(values[NAME])
    parent_code = _text(values[PARENT])
    kind_text = _text(values[KIND])

    def problem(column: int, message: str) -> None:
        errors.append(RowError(number, message, column))

    if code is None:
        problem(CODE, _("mã đơn vị phải là chữ hoặc số."))
    elif not code:
        problem(CODE, _("thiếu mã đơn vị."))
    elif len(code) > CODE_MAX_LENGTH:
        problem(CODE, _("mã đơn vị dài quá %(max)s ký tự.") % {"max": CODE_MAX_LENGTH})
    elif not unit_code_validator.regex.search(code):
        problem(CODE, _("mã đơn vị chỉ gồm chữ cái không dấu, chữ số và các dấu - _ ."))
    code_ok = not errors
    if name is None:
        problem(NAME, _("tên đơn vị phải là chữ."))
    elif not name:
        problem(NAME, _("thiếu tên đơn vị."))
    elif len(name) > NAME_MAX_LENGTH:
        problem(NAME, _("tên đơn vị dài quá %(max)s ký tự.") % {"max": NAME_MAX_LENGTH})
    if parent_code is None:
        problem(PARENT, _("mã đơn vị cấp trên phải là chữ hoặc số."))
    kind = _kind_from(kind_text) if kind_text is not None else None
    if kind is None:
        problem(
            KIND,
            _("loại đơn vị «%(kind)s» không hợp lệ; chọn một trong: %(choices)s.")
            % {"kind": values[KIND], "choices": "; ".join(kind_labels())},
        )
    headcount, headcount_ok = _headcount_from(values[HEADCOUNT])
    if not headcount_ok:
        problem(
            HEADCOUNT,
            _("số người «%(value)s» không phải là số nguyên không âm.")
            % {"value": values[HEADCOUNT]},
        )
    if not code_ok:
        return None, errors
    row = _Row(
        number,
        code,
        name or "",
        parent_code or "",
        kind or Unit.Kind.OTHER,
        headcount,
        complete=not errors,
        parent_ok=parent_code is not None,
    )
    return row, errors


# --- Validating and writing -----------------------------------------------------------------


def _in_subtree(unit: Unit, within: Unit | None) -> bool:
    return within is None or unit.path.startswith(within.path)


def _import_rows(
    rows: list[_Row],
    *,
    parent: Unit | None,
    within: Unit | None,
    keep_headcount: bool = False,
    errors: list[RowError] | None = None,
    bad_codes: Collection[str] = (),
) -> ImportReport:
    errors = list(errors or [])
    by_code: dict[str, _Row] = {}
    for row in rows:
        first = by_code.get(row.code)
        if first is not None:
            errors.append(
                RowError(
                    row.row,
                    _("mã đơn vị «%(code)s» trùng với dòng %(first)s.")
                    % {"code": row.code, "first": first.row},
                    CODE,
                )
            )
        else:
            by_code[row.code] = row
    unique_rows = list(by_code.values())

    wanted = {r.code for r in unique_rows} | {r.parent_code for r in unique_rows if r.parent_code}
    existing = {u.code: u for u in Unit.objects.filter(code__in=wanted)}

    # Resolve each row's parent: a unit already in the tree, a row of the file, or the default.
    parent_of: dict[str, Unit | str | None] = {}
    for row in unique_rows:
        if not row.parent_ok:
            continue  # its parent cell is reported; the row takes no part in parent checks
        if not row.parent_code:
            parent_of[row.code] = parent
        elif row.parent_code == row.code:
            errors.append(
                RowError(
                    row.row,
                    _("đơn vị «%(code)s» không thể là cấp trên của chính nó.") % {"code": row.code},
                    PARENT,
                )
            )
        elif row.parent_code in by_code:
            parent_of[row.code] = row.parent_code
        elif row.parent_code in existing and _in_subtree(existing[row.parent_code], within):
            parent_of[row.code] = existing[row.parent_code]
        elif row.parent_code in bad_codes:
            pass  # the parent's own row is reported
        else:
            errors.append(
                RowError(
                    row.row,
                    _("không tìm thấy đơn vị cấp trên có mã «%(code)s».")
                    % {"code": row.parent_code},
                    PARENT,
                )
            )

    errors.extend(_cycle_errors(unique_rows, parent_of))

    # A code already in the tree: updated in place when it is in scope and keeps its parent.
    for row in unique_rows:
        unit = existing.get(row.code)
        if unit is None:
            continue
        if not _in_subtree(unit, within) or (within is not None and unit.pk == within.pk):
            errors.append(
                RowError(
                    row.row,
                    _("mã đơn vị «%(code)s» đã được dùng cho một đơn vị khác.")
                    % {"code": row.code},
                    CODE,
                )
            )
            continue
        if row.code not in parent_of:
            continue  # its parent is already reported
        target = parent_of[row.code]
        if isinstance(target, str):
            # A row of the file: the same parent only if that row is a unit already there.
            same = target in existing and existing[target].path == unit.path[: -Unit.steplen]
        elif target is None:
            same = unit.depth == 1
        else:
            same = target.path == unit.path[: -Unit.steplen]
        if not same:
            errors.append(
                RowError(
                    row.row,
                    _(
                        "mã đơn vị «%(code)s» đã có, thuộc đơn vị cấp trên khác; muốn chuyển "
                        "đơn vị, hãy sửa trong trang quản trị đơn vị."
                    )
                    % {"code": row.code},
                    PARENT,
                )
            )

    if errors:
        # By row, then by column as they stand in the sheet (a row's own cells before the
        # checks between rows found afterwards).
        errors.sort(
            key=lambda e: (
                e.row is not None,
                e.row or 0,
                e.column if e.column is not None else -1,
            )
        )
        return ImportReport(errors=errors)
    return _write(unique_rows, parent_of, existing, keep_headcount=keep_headcount)


def _cycle_errors(rows: list[_Row], parent_of: dict[str, Unit | str | None]) -> list[RowError]:
    """Rows whose chain of parents inside the file comes back to them."""
    state: dict[str, int] = {}  # 1 = on the current chain, 2 = done
    errors: list[RowError] = []
    by_code = {r.code: r for r in rows}
    for start in rows:
        chain: list[str] = []
        code: str | None = start.code
        while isinstance(code, str) and code in by_code and state.get(code) is None:
            state[code] = 1
            chain.append(code)
            nxt = parent_of.get(code)
            code = nxt if isinstance(nxt, str) else None
        if isinstance(code, str) and state.get(code) == 1:
            loop = chain[chain.index(code) :]
            text = " → ".join([*loop, code])
            for member in loop:
                errors.append(
                    RowError(
                        by_code[member].row,
                        _("mã đơn vị «%(code)s» nằm trong vòng lặp cấp trên: %(loop)s.")
                        % {"code": member, "loop": text},
                        PARENT,
                    )
                )
        for c in chain:
            state[c] = 2
    return errors


def _file_depth(code: str, parent_of: dict[str, Unit | str | None], memo: dict[str, int]) -> int:
    """How many rows of the file lie above this one (0: its parent is not in the file)."""
    chain: list[str] = []
    current: Unit | str | None = code
    while isinstance(current, str) and current not in memo:
        chain.append(current)
        current = parent_of.get(current)
    depth = memo[current] if isinstance(current, str) else -1
    for link in reversed(chain):
        depth += 1
        memo[link] = depth
    return memo[code]


class _NeedsSortedInsert(Exception):
    """A new unit sorts between existing siblings: fall back to treebeard's sorted insertion."""


def _write(
    rows: Iterable[_Row],
    parent_of: dict[str, Unit | str | None],
    existing: dict[str, Unit],
    *,
    keep_headcount: bool,
) -> ImportReport:
    memo: dict[str, int] = {}
    ordered = sorted(rows, key=lambda r: (_file_depth(r.code, parent_of, memo), r.code))
    report = ImportReport()
    new_rows = []
    try:
        with transaction.atomic():
            for row in ordered:
                unit = existing.get(row.code)
                if unit is None:
                    new_rows.append(row)
                    continue
                headcount = unit.headcount if keep_headcount else row.headcount
                if (unit.name, unit.kind, unit.headcount) == (row.name, row.kind, headcount):
                    report.unchanged += 1
                    continue
                Unit.objects.filter(pk=unit.pk).update(
                    name=row.name, kind=row.kind, headcount=headcount
                )
                report.updated += 1
            if new_rows:
                try:
                    with transaction.atomic():
                        _create_appended(new_rows, parent_of, existing, memo)
                except _NeedsSortedInsert:
                    _create_one_by_one(new_rows, parent_of, existing)
            report.created = len(new_rows)
    except (IntegrityError, ValueError):
        # Another import or an organiser added the same code meanwhile: nothing was written.
        return ImportReport(
            errors=[
                RowError(
                    None,
                    _(
                        "Không nhập được vì danh sách đơn vị vừa bị thay đổi cùng lúc; chưa có "
                        "thay đổi nào được ghi, hãy thử lại."
                    ),
                )
            ]
        )
    return report


def _db_sorted(codes: list[str]) -> list[str]:
    """The codes in the order the database sorts the `code` column (treebeard keeps siblings
    in `node_order_by` order as the database collates it, which Python's sort may not match)."""
    if connection.vendor != "postgresql":
        return sorted(codes)  # SQLite's BINARY collation is Python's code-point order
    with connection.cursor() as cursor:
        cursor.execute("SELECT v FROM unnest(%s::text[]) AS v ORDER BY v", [codes])
        return [v for (v,) in cursor.fetchall()]


def _create_appended(
    rows: list[_Row],
    parent_of: dict[str, Unit | str | None],
    existing: dict[str, Unit],
    memo: dict[str, int],
) -> None:
    """Create every new unit with a handful of queries: paths are computed here and the rows
    bulk-inserted. Valid when, under each existing parent, the new units sort after the
    existing children (the usual case: a new subtree, or codes that continue a series);
    otherwise raises _NeedsSortedInsert and writes nothing."""
    groups: dict[tuple[str, Any], list[_Row]] = {}
    for row in rows:
        target = parent_of[row.code]
        if isinstance(target, str) and target in existing:
            target = existing[target]  # a row of the file that updates an existing unit
        if isinstance(target, str):
            key = ("file", target)
        elif target is None:
            key = ("root", None)
        else:
            key = ("unit", target.pk)
        groups.setdefault(key, []).append(row)

    existing_parents = {
        u.pk: u
        for u in Unit.objects.select_for_update().filter(
            pk__in=[k[1] for k in groups if k[0] == "unit"]
        )
    }
    by_code = {r.code: r for r in rows}
    rank = {code: i for i, code in enumerate(_db_sorted(list(by_code)))}
    paths: dict[str, str] = {}
    depths: dict[str, int] = {}
    max_step = len(Unit.alphabet) ** Unit.steplen - 1
    # Existing parents and roots first, then new parents by their depth in the file.
    for key in sorted(groups, key=lambda k: memo[k[1]] if k[0] == "file" else -1):
        members = groups[key]
        codes = sorted((r.code for r in members), key=rank.__getitem__)
        if key[0] == "file":
            base, depth, last_step = paths[key[1]], depths[key[1]] + 1, 0
        else:
            if key[0] == "root":
                base, depth = "", 1
                siblings = Unit.objects.filter(depth=1)
            else:
                parent = existing_parents[key[1]]
                base, depth = parent.path, parent.depth + 1
                siblings = Unit.objects.filter(path__startswith=base, depth=depth)
            if siblings.filter(code__gt=codes[0]).exists():
                raise _NeedsSortedInsert
            last_path = siblings.order_by("-path").values_list("path", flat=True).first()
            last_step = Unit._str2int(last_path[-Unit.steplen :]) if last_path else 0
            if key[0] == "unit":
                Unit.objects.filter(pk=key[1]).update(numchild=F("numchild") + len(members))
        if last_step + len(codes) > max_step:
            raise _NeedsSortedInsert
        for step, code in enumerate(codes, start=last_step + 1):
            paths[code] = Unit._get_path(base, depth, step)
            depths[code] = depth

    Unit.objects.bulk_create(
        [
            Unit(
                code=r.code,
                name=r.name,
                kind=r.kind,
                headcount=r.headcount,
                path=paths[r.code],
                depth=depths[r.code],
                numchild=len(groups.get(("file", r.code), [])),
            )
            for r in sorted(by_code.values(), key=lambda r: paths[r.code])
        ],
        batch_size=1000,
    )


def _create_one_by_one(
    rows: list[_Row], parent_of: dict[str, Unit | str | None], existing: dict[str, Unit]
) -> None:
    """treebeard's own sorted insertion, one unit at a time (a few queries each)."""
    units: dict[str, Unit] = dict(existing)
    for row in rows:  # parents first
        target = parent_of[row.code]
        parent_unit = units[target] if isinstance(target, str) else target
        units[row.code] = unit_add(
            code=row.code,
            name=row.name,
            kind=row.kind,
            parent=parent_unit,
            headcount=row.headcount,
        )
