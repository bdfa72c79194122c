"""Question bank as Excel (.xlsx, openpyxl): template, import, export.

Import is all or nothing: every row is checked first (missing text, fewer than 2 or more than
6 options, no or several correct marks, unknown topic, duplicate question in the file or in
the bank, over-long text), and the questions are written in one transaction only when no row
has a problem. Otherwise `QuestionImportError.problems` lists every problem with its row
number, in Vietnamese. Before openpyxl opens anything the upload is checked to be an .xlsx
(a zip holding xl/workbook.xml) and not a zip bomb (uncompressed size and ratio limits)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from contests.models import Contest, Option, Question, Topic
from contests.rich_text import rich_text_to_plain
from contests.services.contests import contest_change_record
from contests.services.questions import (
    EXPLANATION_MAX,
    OPTION_MAX,
    REFERENCE_MAX,
    TEXT_MAX,
)

LETTERS = "ABCDEF"
HEADERS = [
    "Chủ đề",
    "Nội dung câu hỏi",
    *[f"Phương án {letter}" for letter in LETTERS],
    "Đáp án đúng",
    "Độ khó",
    "Giải thích",
    "Căn cứ pháp lý",
]
SHEET_NAME = "Câu hỏi"
COL_TOPIC, COL_TEXT, COL_FIRST_OPTION = 0, 1, 2
COL_CORRECT = COL_FIRST_OPTION + len(LETTERS)
COL_DIFFICULTY, COL_EXPLANATION, COL_REFERENCE = COL_CORRECT + 1, COL_CORRECT + 2, COL_CORRECT + 3

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 1000
MAX_ROWS = 5000

DIFFICULTY_WORDS = {
    "dễ": Question.Difficulty.EASY,
    "de": Question.Difficulty.EASY,
    "1": Question.Difficulty.EASY,
    "trung bình": Question.Difficulty.MEDIUM,
    "trung binh": Question.Difficulty.MEDIUM,
    "2": Question.Difficulty.MEDIUM,
    "khó": Question.Difficulty.HARD,
    "kho": Question.Difficulty.HARD,
    "3": Question.Difficulty.HARD,
}
DIFFICULTY_LABELS = {
    Question.Difficulty.EASY: "Dễ",
    Question.Difficulty.MEDIUM: "Trung bình",
    Question.Difficulty.HARD: "Khó",
}


class QuestionImportError(Exception):
    """The file was refused; `problems` lists every reason (Vietnamese, with row numbers)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    created: int = 0
    per_topic: dict[str, int] = field(default_factory=dict)


@dataclass
class _Row:
    number: int
    topic: Topic
    text: str
    options: list[str]
    correct: int
    difficulty: int
    explanation: str
    reference: str


def question_text_key(text: str) -> str:
    """What makes two questions "the same": case, spacing and a final "?" ignored."""
    return re.sub(r"\s+", " ", text).strip().rstrip("?").strip().casefold()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


# --- Opening the upload safely ----------------------------------------------------------------


def _check_container(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise QuestionImportError([_("Tệp lớn quá 10 MB.")])
    not_xlsx = _("Tệp không phải là bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải về từ trang này.")
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise QuestionImportError([not_xlsx])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise QuestionImportError([not_xlsx]) from None
    if not any(m.filename == "xl/workbook.xml" for m in members):
        raise QuestionImportError([not_xlsx])
    bomb = _(
        "Tệp nén bất thường (dung lượng khi giải nén quá lớn so với tệp tải lên), có thể là "
        "tệp độc hại: không nhập."
    )
    if len(members) > MAX_MEMBERS:
        raise QuestionImportError([bomb])
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise QuestionImportError([bomb])
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise QuestionImportError([bomb])


def _open_rows(data: bytes):
    """The rows of the questions sheet as tuples of cell values (header first)."""
    _check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise QuestionImportError(
            [_("Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx.")]
        ) from None
    sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
    rows = []
    try:
        for row in sheet.iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise QuestionImportError(
                    [
                        _("Tệp có quá nhiều dòng (tối đa %(max)s câu hỏi mỗi lần nhập).")
                        % {"max": _n(MAX_ROWS)}
                    ]
                )
    except QuestionImportError:
        raise
    except Exception:
        raise QuestionImportError(
            [_("Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx.")]
        ) from None
    finally:
        workbook.close()
    return rows


# --- Import -----------------------------------------------------------------------------------


def _header_ok(header: tuple) -> bool:
    given = [question_text_key(_cell(v)) for v in header[: len(HEADERS)]]
    return given == [question_text_key(h) for h in HEADERS]


def _row_problems(
    number: int,
    row: list[str],
    *,
    topics: dict[str, Topic],
    seen: dict[str, int],
    bank: dict[str, int],
) -> tuple[list[str], _Row | None]:
    line = _("Dòng %(row)d: ") % {"row": number}
    problems: list[str] = []

    def problem(message: str) -> None:
        problems.append(line + message)

    topic_name = row[COL_TOPIC]
    topic = None
    if not topic_name:
        problem(_("thiếu chủ đề."))
    else:
        topic = topics.get(question_text_key(topic_name))
        if topic is None:
            problem(_("chủ đề “%(topic)s” không có trong cuộc thi này.") % {"topic": topic_name})

    text = row[COL_TEXT]
    if not text:
        problem(_("thiếu nội dung câu hỏi."))
    elif len(text) > TEXT_MAX:
        problem(
            _("nội dung câu hỏi dài %(length)s ký tự, tối đa %(max)s.")
            % {"length": _n(len(text)), "max": _n(TEXT_MAX)}
        )

    raw_options = row[COL_FIRST_OPTION:COL_CORRECT]
    filled = [i for i, value in enumerate(raw_options) if value]
    if filled and filled[-1] + 1 != len(filled):
        gap = next(i for i in range(len(raw_options)) if not raw_options[i])
        problem(
            _(
                "phương án %(letter)s để trống nhưng có phương án sau nó; ghi các phương án "
                "liền nhau từ A."
            )
            % {"letter": LETTERS[gap]}
        )
    options = [value for value in raw_options if value]
    if len(options) < 2:
        problem(_("cần ít nhất 2 phương án (có %(count)d).") % {"count": len(options)})
    for i, value in enumerate(raw_options):
        if len(value) > OPTION_MAX:
            problem(
                _("phương án %(letter)s dài %(length)s ký tự, tối đa %(max)s.")
                % {"letter": LETTERS[i], "length": _n(len(value)), "max": _n(OPTION_MAX)}
            )
    if any(row[COL_REFERENCE + 1 :]):
        problem(_("có dữ liệu ngoài các cột của mẫu (tối đa 6 phương án, từ A đến F)."))

    correct_text = row[COL_CORRECT].upper()
    marks = [m for m in re.split(r"[\s,;/]+", correct_text) if m]
    correct = -1
    if not marks:
        problem(_("chưa đánh dấu đáp án đúng."))
    elif len(marks) > 1:
        problem(
            _("có nhiều đáp án đúng (%(marks)s); mỗi câu chỉ có một đáp án đúng.")
            % {"marks": ", ".join(marks)}
        )
    elif marks[0] not in LETTERS or len(marks[0]) != 1:
        problem(
            _("đáp án đúng “%(mark)s” không hợp lệ (ghi một chữ cái từ A đến F).")
            % {"mark": row[COL_CORRECT]}
        )
    elif LETTERS.index(marks[0]) >= len(raw_options) or not raw_options[LETTERS.index(marks[0])]:
        problem(
            _("đáp án đúng là %(mark)s nhưng phương án %(mark)s để trống.") % {"mark": marks[0]}
        )
    else:
        correct = LETTERS.index(marks[0])

    difficulty_text = row[COL_DIFFICULTY]
    difficulty = Question.Difficulty.MEDIUM
    if difficulty_text:
        difficulty = DIFFICULTY_WORDS.get(difficulty_text.casefold())
        if difficulty is None:
            problem(
                _("độ khó “%(value)s” không hợp lệ (Dễ, Trung bình hoặc Khó).")
                % {"value": difficulty_text}
            )
    explanation, reference = row[COL_EXPLANATION], row[COL_REFERENCE]
    if len(explanation) > EXPLANATION_MAX:
        problem(
            _("giải thích dài %(length)s ký tự, tối đa %(max)s.")
            % {"length": _n(len(explanation)), "max": _n(EXPLANATION_MAX)}
        )
    if len(reference) > REFERENCE_MAX:
        problem(
            _("căn cứ pháp lý dài %(length)s ký tự, tối đa %(max)s.")
            % {"length": _n(len(reference)), "max": _n(REFERENCE_MAX)}
        )

    if text:
        key = question_text_key(text)
        if key in seen:
            problem(_("câu hỏi trùng với dòng %(other)d.") % {"other": seen[key]})
        elif key in bank:
            problem(_("câu hỏi đã có trong ngân hàng câu hỏi (câu số %(id)d).") % {"id": bank[key]})
        else:
            seen[key] = number
    if problems:
        return problems, None
    return [], _Row(number, topic, text, options, correct, difficulty, explanation, reference)


def question_bank_import(*, contest: Contest, data: bytes, user=None) -> ImportResult:
    """Import the questions of an .xlsx file into `contest`'s bank: all rows or none.
    Raises QuestionImportError listing every problem (row-numbered, Vietnamese)."""
    rows = _open_rows(data)
    if not rows or not _header_ok(rows[0]):
        raise QuestionImportError(
            [
                _("Dòng 1: tiêu đề các cột không đúng mẫu. Cần đúng thứ tự: %(headers)s.")
                % {"headers": ", ".join(HEADERS)}
            ]
        )
    topics = {question_text_key(t.name): t for t in Topic.objects.filter(contest=contest)}
    bank = {
        question_text_key(text): pk
        for pk, text in Question.objects.filter(contest=contest, is_active=True).values_list(
            "id", "text"
        )
    }
    width = len(HEADERS)
    problems: list[str] = []
    good: list[_Row] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = [_cell(v) for v in raw]
        if not any(cells):
            continue
        cells += [""] * (width - len(cells))
        row_problems, row = _row_problems(number, cells, topics=topics, seen=seen, bank=bank)
        problems.extend(row_problems)
        if row is not None:
            good.append(row)
    if problems:
        raise QuestionImportError(problems)
    if not good:
        raise QuestionImportError([_("Tệp không có câu hỏi nào (chỉ có dòng tiêu đề).")])
    return _write(contest=contest, rows=good, user=user)


@transaction.atomic
def _write(*, contest: Contest, rows: list[_Row], user) -> ImportResult:
    questions = Question.objects.bulk_create(
        Question(
            contest=contest,
            topic=row.topic,
            text=row.text,
            explanation=row.explanation,
            legal_reference=row.reference,
            difficulty=row.difficulty,
        )
        for row in rows
    )
    Option.objects.bulk_create(
        Option(question=question, position=i, text=text, is_correct=(i - 1 == row.correct))
        for question, row in zip(questions, rows, strict=True)
        for i, text in enumerate(row.options, start=1)
    )
    result = ImportResult(created=len(questions))
    for row in rows:
        result.per_topic[row.topic.name] = result.per_topic.get(row.topic.name, 0) + 1
    contest_change_record(
        contest=contest,
        user=user,
        what="question_import",
        before={},
        after={"created": result.created, "ids": [q.pk for q in questions]},
    )
    return result


# --- Template and export ----------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _put(sheet, row: int, column: int, value) -> None:
    """Write a value; a string that would start a formula is kept as a plain string cell
    (formula injection: openpyxl turns a string starting with "=" into a formula)."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"


def _questions_sheet(workbook: Workbook, *, topics: list[str]):
    sheet = workbook.active
    sheet.title = SHEET_NAME
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [22, 60, *([28] * len(LETTERS)), 12, 12, 40, 30]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    sheet.freeze_panes = "A2"
    correct = DataValidation(type="list", formula1='"A,B,C,D,E,F"', allow_blank=False)
    difficulty = DataValidation(type="list", formula1='"Dễ,Trung bình,Khó"', allow_blank=True)
    sheet.add_data_validation(correct)
    sheet.add_data_validation(difficulty)
    correct.add(f"I2:I{MAX_ROWS + 1}")
    difficulty.add(f"J2:J{MAX_ROWS + 1}")
    if topics:
        topic_sheet = workbook.create_sheet("Chủ đề")
        topic_sheet.cell(row=1, column=1, value="Chủ đề của cuộc thi").font = Font(bold=True)
        for i, name in enumerate(topics, start=2):
            _put(topic_sheet, i, 1, name)
        topic_sheet.column_dimensions["A"].width = 50
        choice = DataValidation(
            type="list", formula1=f"='Chủ đề'!$A$2:$A${len(topics) + 1}", allow_blank=False
        )
        sheet.add_data_validation(choice)
        choice.add(f"A2:A{MAX_ROWS + 1}")
    return sheet


def _instructions(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("Hướng dẫn")
    lines = [
        "Cách điền tệp câu hỏi",
        "Mỗi dòng của trang “Câu hỏi” là một câu hỏi; không sửa dòng tiêu đề.",
        "Chủ đề: đúng tên một chủ đề đã tạo trong cuộc thi (xem trang “Chủ đề”).",
        "Phương án: từ 2 đến 6 phương án, ghi liền nhau từ cột A.",
        "Đáp án đúng: một chữ cái (A, B, C, D, E hoặc F).",
        "Độ khó: Dễ, Trung bình hoặc Khó (để trống là Trung bình).",
        "Nội dung câu hỏi tối đa 2.000 ký tự; mỗi phương án tối đa 1.000 ký tự; giải thích "
        "tối đa 4.000 ký tự; căn cứ pháp lý tối đa 300 ký tự.",
        "Nếu có dòng lỗi, không câu nào được nhập; trang nhập sẽ liệt kê mọi lỗi theo số dòng.",
    ]
    for i, text in enumerate(lines, start=1):
        sheet.cell(row=i, column=1, value=text).font = Font(bold=(i == 1))
    sheet.column_dimensions["A"].width = 110


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def question_bank_template(*, contest: Contest | None = None) -> bytes:
    """An empty .xlsx in the import format (with the contest's topics as a drop-down)."""
    topics = list(Topic.objects.filter(contest=contest).values_list("name", flat=True))
    workbook = Workbook()
    _questions_sheet(workbook, topics=topics if contest else [])
    _instructions(workbook)
    return _save(workbook)


def question_bank_export(*, contest: Contest) -> bytes:
    """The contest's active questions in the import format (so an export can be edited and
    imported into another contest with the same topics)."""
    topics = list(Topic.objects.filter(contest=contest).values_list("name", flat=True))
    workbook = Workbook()
    sheet = _questions_sheet(workbook, topics=topics)
    questions = (
        Question.objects.filter(contest=contest, is_active=True)
        .select_related("topic")
        .prefetch_related("options")
        .order_by("topic__name", "id")
    )
    for r, question in enumerate(questions, start=2):
        options = sorted(question.options.all(), key=lambda o: o.position)
        correct = "".join(LETTERS[i] for i, o in enumerate(options) if o.is_correct)
        values = [
            question.topic.name,
            question.text,
            *[o.text for o in options[: len(LETTERS)]],
            *[""] * (len(LETTERS) - min(len(options), len(LETTERS))),
            correct,
            DIFFICULTY_LABELS.get(question.difficulty, ""),
            rich_text_to_plain(question.explanation),
            question.legal_reference,
        ]
        for c, value in enumerate(values, start=1):
            if value != "":
                _put(sheet, r, c, value)
    _instructions(workbook)
    return _save(workbook)
