"""A roster from Excel: the template (with the units the organiser may fill in) and the
import. Columns: Họ và tên, Chức vụ, Số CCCD, Số điện thoại, Mã đơn vị.

All or nothing, as the unit and question imports: every row is checked first (name, CCCD and
phone normalised as registration does, at least one of them, the unit inside both the
contest's tree and the organiser's subtree, the same CCCD or phone twice in the file or on
another person already listed), and the report lists every problem of the file with its row
number; only a file without any problem is written, in one transaction, then matched
(participants.roster.matching). A person already on the contest's roster (same CCCD, or the
same phone for a row without CCCD) is updated, so the corrected file can be imported again.
The upload is checked as the question import checks it (size, zip bomb) before openpyxl
opens it."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contests.models import Contest, Unit
from contests.services.question_import import QuestionImportError, _check_container
from participants.models import RosterEntry
from participants.roster.matching import MatchReport, roster_match
from participants.rules.roster import key_problem, roster_document, roster_phone

MAX_ROWS = 20_000
# The units listed on the template's second sheet.
TEMPLATE_MAX_UNITS = 5000
NAME_MAX = RosterEntry._meta.get_field("full_name").max_length
POSITION_MAX = RosterEntry._meta.get_field("position").max_length

COLUMNS = [
    gettext_lazy("Họ và tên"),
    gettext_lazy("Chức vụ"),
    gettext_lazy("Số CCCD"),
    gettext_lazy("Số điện thoại"),
    gettext_lazy("Mã đơn vị"),
]
# Accepted spellings of each header (case and spacing ignored).
HEADER_ALIASES = [
    {"họ và tên", "họ tên", "full name", "name"},
    {"chức vụ", "position"},
    {"số cccd", "cccd", "số căn cước", "số căn cước công dân", "document number"},
    {"số điện thoại", "điện thoại", "phone"},
    {"mã đơn vị", "unit code", "unit"},
]


@dataclass
class RosterImportReport:
    """What an import did; when `errors` is not empty nothing was written."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    match: MatchReport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return _("Không nhập được: %(count)s lỗi, chưa có thay đổi nào được ghi.") % {
                "count": number_format(len(self.errors), force_grouping=True)
            }
        text = _(
            "Đã nhập danh sách: %(created)s người mới, %(updated)s người được cập nhật, "
            "%(unchanged)s người không đổi."
        ) % {
            "created": number_format(self.created, force_grouping=True),
            "updated": number_format(self.updated, force_grouping=True),
            "unchanged": number_format(self.unchanged, force_grouping=True),
        }
        if self.match is not None:
            text += " " + self.match.summary()
        return text


@dataclass
class _Row:
    number: int
    full_name: str
    position: str
    document: str  # "?" when the cell was refused
    phone: str
    unit: Unit | None
    ok: bool = True  # False: the row has problems of its own (still checked for repeats)


def _text(value: Any) -> str:
    """A cell as text: whole numbers without ".0" (a number typed in a cell without the text
    format: its leading zero is already lost, and the CCCD check says so)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _row_error(number: int, message: str) -> str:
    return _("Dòng %(row)s: %(message)s") % {"row": number, "message": message}


def _units_for(contest: Contest, within: Unit | None):
    root = contest.participation_root
    units = Unit.objects.filter(path__startswith=root.path)
    if within is not None:
        units = units.filter(path__startswith=within.path)
    return units


def _read(data: bytes) -> list[tuple[int, list[Any]]]:
    """The data rows (row number, five cells) of the first sheet; QuestionImportError for a
    file that is not a usable spreadsheet."""
    _check_container(data)
    from openpyxl import load_workbook

    unreadable = _("Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on broken files
        raise QuestionImportError([unreadable]) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        iterator = sheet.iter_rows(max_col=5, values_only=True)
        header = [*(next(iterator, None) or []), *[None] * 5][:5]
        if any(
            _text(header[i]).lower() not in HEADER_ALIASES[i] for i in range(len(HEADER_ALIASES))
        ):
            raise QuestionImportError(
                [
                    _row_error(
                        1,
                        _("tiêu đề các cột phải là: %(columns)s (hãy dùng tệp mẫu).")
                        % {"columns": ", ".join(str(c) for c in COLUMNS)},
                    )
                ]
            )
        rows = []
        for number, values in enumerate(iterator, start=2):
            values = [*values, *[None] * 5][:5]
            if all(_text(v) == "" for v in values):
                continue
            rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise QuestionImportError(
                    [
                        _("Tệp có quá nhiều dòng: tối đa %(max)s người một lần.")
                        % {"max": number_format(MAX_ROWS, force_grouping=True)}
                    ]
                )
    except QuestionImportError:
        raise
    except Exception:  # a damaged sheet fails lazily, while iterating
        raise QuestionImportError([unreadable]) from None
    finally:
        workbook.close()
    if not rows:
        raise QuestionImportError([_("Tệp không có dòng dữ liệu nào (dưới dòng tiêu đề).")])
    return rows


def _parse(
    rows: list[tuple[int, list[Any]]], units: dict[str, Unit]
) -> tuple[list[_Row], list[tuple[int, str]]]:
    parsed: list[_Row] = []
    errors: list[tuple[int, str]] = []
    for number, values in rows:
        name, position, document_raw, phone_raw, code = (_text(v) for v in values)
        problems: list[str] = []
        if not name:
            problems.append(_("thiếu họ và tên."))
        elif len(name) > NAME_MAX:
            problems.append(_("họ và tên dài quá %(max)s ký tự.") % {"max": NAME_MAX})
        if len(position) > POSITION_MAX:
            problems.append(_("chức vụ dài quá %(max)s ký tự.") % {"max": POSITION_MAX})
        document = phone = ""
        try:
            document = roster_document(document_raw)
        except ValidationError as exc:
            problems.append(
                _("số CCCD «%(value)s»: %(problem)s")
                % {
                    "value": document_raw[:30],
                    "problem": " ".join(exc.messages),
                }
            )
            document = "?"
        try:
            phone = roster_phone(phone_raw)
        except ValidationError as exc:
            problems.append(
                _("số điện thoại «%(value)s»: %(problem)s")
                % {
                    "value": phone_raw[:30],
                    "problem": " ".join(exc.messages),
                }
            )
            phone = "?"
        missing = key_problem(document=document, phone=phone)
        if missing is not None:
            problems.append(missing.messages[0])
        unit = units.get(code)
        if not code:
            problems.append(_("thiếu mã đơn vị."))
        elif unit is None:
            problems.append(
                _(
                    "không có đơn vị mã «%(code)s» trong các đơn vị của cuộc thi mà bạn "
                    "quản lý (xem trang «Đơn vị» của tệp mẫu)."
                )
                % {"code": code[:40]}
            )
        row = _Row(number, name, position, document, phone, unit, ok=not problems)
        errors.extend((number, p) for p in problems)
        parsed.append(row)
    return parsed, errors


def _cross_check(
    rows: list[_Row], contest: Contest, within: Unit | None
) -> tuple[dict[int, RosterEntry], list[tuple[int, str]]]:
    """Row number -> the listed person it updates; errors for keys repeated in the file or
    held by another listed person, and for a person listed by a unit outside the scope."""
    errors: list[tuple[int, str]] = []
    first_document: dict[str, int] = {}
    first_phone: dict[str, int] = {}
    for row in rows:
        if row.document and row.document != "?":
            if row.document in first_document:
                errors.append(
                    (
                        row.number,
                        _("số CCCD trùng với dòng %(first)s.")
                        % {"first": first_document[row.document]},
                    )
                )
            else:
                first_document[row.document] = row.number
        if row.phone and row.phone != "?":
            if row.phone in first_phone:
                errors.append(
                    (
                        row.number,
                        _("số điện thoại trùng với dòng %(first)s.")
                        % {"first": first_phone[row.phone]},
                    )
                )
            else:
                first_phone[row.phone] = row.number

    listed = RosterEntry.objects.filter(contest=contest).select_related("unit")
    by_document = {
        e.document_number: e for e in listed.filter(document_number__in=list(first_document))
    }
    by_phone = {e.phone: e for e in listed.filter(phone__in=list(first_phone))}
    updates: dict[int, RosterEntry] = {}
    for row in rows:
        if not row.ok:
            continue
        entry = by_document.get(row.document) if row.document else None
        phone_entry = by_phone.get(row.phone) if row.phone else None
        if entry is None and phone_entry is not None:
            if phone_entry.document_number and row.document:
                errors.append(
                    (
                        row.number,
                        _(
                            "số điện thoại đã có trong danh sách cho một người khác (%(name)s, "
                            "số CCCD khác)."
                        )
                        % {"name": phone_entry.full_name},
                    )
                )
                continue
            entry = phone_entry
        elif entry is not None and phone_entry is not None and phone_entry.pk != entry.pk:
            errors.append(
                (
                    row.number,
                    _("số điện thoại đã có trong danh sách cho một người khác (%(name)s).")
                    % {"name": phone_entry.full_name},
                )
            )
            continue
        if entry is None:
            continue
        if within is not None and not entry.unit.path.startswith(within.path):
            errors.append(
                (
                    row.number,
                    _(
                        "người này đã có trong danh sách của một đơn vị khác, ngoài phạm vi "
                        "bạn quản lý."
                    ),
                )
            )
            continue
        updates[row.number] = entry
    return updates, errors


def roster_import_xlsx(
    *, contest: Contest, data: bytes, within: Unit | None = None
) -> RosterImportReport:
    """Import a roster for `contest` (see the module docstring). `within`: the organiser's
    unit (None: the whole contest tree). Guarantees: every row valid and all written in one
    transaction, then the contest matched; or nothing written and every problem listed."""
    try:
        raw_rows = _read(data)
    except QuestionImportError as exc:
        return RosterImportReport(errors=list(exc.problems))
    codes = {_text(values[4]) for _n, values in raw_rows}
    units = {u.code: u for u in _units_for(contest, within).filter(code__in=codes)}
    rows, errors = _parse(raw_rows, units)
    updates, cross_errors = _cross_check(rows, contest, within)
    if errors or cross_errors:
        # Every problem of the file, in row order (a row's own problems first).
        ordered = sorted([*errors, *cross_errors], key=lambda e: e[0])
        return RosterImportReport(errors=[_row_error(n, m) for n, m in ordered])
    report = RosterImportReport()
    new, changed = [], []
    for row in rows:
        assert row.unit is not None  # every row is ok here
        values = {
            "full_name": row.full_name,
            "position": row.position,
            "document_number": row.document,
            "phone": row.phone,
            "unit_id": row.unit.pk,
        }
        entry = updates.get(row.number)
        if entry is None:
            new.append(RosterEntry(contest=contest, **values))
        elif all(getattr(entry, k) == v for k, v in values.items()):
            report.unchanged += 1
        else:
            for k, v in values.items():
                setattr(entry, k, v)
            changed.append(entry)
    with transaction.atomic():
        RosterEntry.objects.bulk_create(new, batch_size=2000)
        RosterEntry.objects.bulk_update(
            changed, ["full_name", "position", "document_number", "phone", "unit"], batch_size=2000
        )
    report.created, report.updated = len(new), len(changed)
    report.match = roster_match(contest=contest)
    return report


def roster_template_xlsx(*, contest: Contest | None = None, within: Unit | None = None) -> bytes:
    """The template: the header row (CCCD, phone and unit code as text cells, so leading
    zeros survive), an instructions sheet with an example, and, for a contest, the units the
    organiser may list people for (code and name, in tree order)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Danh sách")
    sheet.append([str(c) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (30, 24, 18, 16, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    for letter in "CDE":
        for row in range(2, 2002):
            sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet(_("Hướng dẫn"))
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 90
    for line in [
        [_("Cột"), _("Nội dung")],
        [str(COLUMNS[0]), _("Bắt buộc; tối đa %(n)s ký tự.") % {"n": NAME_MAX}],
        [str(COLUMNS[1]), _("Không bắt buộc.")],
        [
            str(COLUMNS[2]),
            _(
                "Số căn cước 12 chữ số (giữ các số 0 ở đầu: ô đã để dạng chữ). Cần số CCCD "
                "hoặc số điện thoại (hoặc cả hai) để đối chiếu với người đăng ký dự thi."
            ),
        ],
        [str(COLUMNS[3]), _("Số điện thoại di động người đó dùng để đăng ký dự thi.")],
        [
            str(COLUMNS[4]),
            _("Mã một đơn vị trong trang «Đơn vị» của tệp này (đơn vị bạn quản lý)."),
        ],
        [],
        [_("Ví dụ")],
        [str(c) for c in COLUMNS],
        ["Nguyễn Văn An", "Chuyên viên", "001087123456", "0912345678", "TX-NC"],
    ]:
        guide.append(line)
    guide["A1"].font = guide["B1"].font = Font(bold=True)

    if contest is not None:
        listing = workbook.create_sheet(_("Đơn vị"))
        listing.column_dimensions["A"].width = 20
        listing.column_dimensions["B"].width = 60
        listing.append([_("Mã đơn vị"), _("Tên đơn vị")])
        for cell in listing[1]:
            cell.font = Font(bold=True)
        units = _units_for(contest, within).order_by("path").values_list("code", "depth", "name")
        base = None
        for code, depth, name in units[:TEMPLATE_MAX_UNITS]:
            base = depth if base is None else base
            listing.append([code, "  " * (depth - base) + name])
            listing.cell(row=listing.max_row, column=1).number_format = "@"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
