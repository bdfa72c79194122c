"""The ranked results of a contest or one of its rounds (or a unit's subtree), read from
scoring's ranking (`results_ranked`: the prize allocation's order by the contest's chain,
disqualified and excluded people left out), read in one COPY (`reading.rows_read`) and
streamed to the writer while it saves (never all in memory).
Document numbers and phones are masked unless the job is a full (logged) export.

Columns that only some contests have: the category ("Đối tượng", when the contest has
categories) and, in the overall ranking of a contest with rounds, the cumulative columns
(the sum of each round's best, the rounds with a perfect attempt) the cumulative rule ranks
by."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from contests.masking import mask_document
from contests.models import Category, Contest, Round, Unit
from participants.masking import mask_phone
from participants.selectors import contest_age_groups
from reports.exports.base import DATE_FORMAT, Column, SheetWriter
from reports.exports.reading import rows_read
from scoring.selectors.results import results_ranked

CHUNK = 5000


def _seconds(ms: int) -> float:
    return round(ms / 1000, 3)


FIELDS = (
    "registration__participant__full_name",
    "registration__document_number",
    "registration__participant__date_of_birth",
    "registration__unit__name",
    "registration__block__name",
    "registration__age_group",
    "correct_count",
    "prediction",
    "duration_ms",
    "finished_at",
    "registration__participant__phone",
    "registration__category__name",
    "rounds_correct_total",
    "perfect_rounds",
)


def columns(*, categories: bool = False, cumulative: bool = False) -> list[Column]:
    """The export's columns: the category after the age group when the contest has
    categories, the cumulative columns after the correct count in a contest's overall
    ranking when it has rounds."""
    return [
        *base_columns()[:7],
        *([Column(_("Đối tượng"), 24)] if categories else []),
        base_columns()[7],
        *(
            [
                Column(_("Tổng số câu đúng các tuần/vòng"), 12),
                Column(_("Số tuần/vòng đạt điểm tuyệt đối"), 12),
            ]
            if cumulative
            else []
        ),
        *base_columns()[8:],
    ]


def base_columns() -> list[Column]:
    return [
        Column(_("Hạng"), 8),
        Column(_("Họ và tên"), 28),
        Column(_("Số giấy tờ"), 16),
        Column(_("Ngày sinh"), 12, number_format=DATE_FORMAT),
        Column(_("Đơn vị"), 30),
        Column(_("Khối"), 24),
        Column(_("Nhóm tuổi"), 22),
        Column(_("Số câu đúng"), 10),
        Column(_("Dự đoán"), 12),
        Column(_("Thời gian làm bài (giây)"), 12),
        Column(_("Thời điểm nộp bài"), 20),
        Column(_("Số điện thoại"), 14),
    ]


def write(
    writer: SheetWriter,
    *,
    contest: Contest,
    unit: Unit | None,
    full_identity: bool,
    progress=None,
    round: Round | None = None,  # noqa: A002
    **_kw,
) -> int:
    """Start the ranked results of the contest (round None: its overall ranking, by its
    cumulative rule) or of `round` in `writer`; returns the number of rows. The rows are read
    now (to a temporary file) and written while the writer saves, calling `progress(done)`
    every CHUNK rows."""
    categories = Category.objects.filter(contest=contest).exists()
    cumulative = round is None and contest.rounds.exists()
    title = _("Kết quả") if round is None else _("Kết quả vòng %(n)s") % {"n": round.number}
    if unit is not None and unit.pk == contest.participation_root_id:
        unit = None  # the whole contest: no subtree filter to plan
    ranked = results_ranked(contest=contest, round=round, unit=unit)
    count, rows = rows_read(ranked.values_list(*FIELDS))
    rows = _lines(
        rows,
        ages={group.key: str(group.label) for group in contest_age_groups(contest=contest)},
        full_identity=full_identity,
        categories=categories,
        cumulative=cumulative,
        progress=progress,
    )
    writer.start(
        title, columns(categories=categories, cumulative=cumulative), rows=rows, count=count
    )
    return count


def _lines(rows, *, ages, full_identity, categories, cumulative, progress):
    """The sheet's rows: rank, masking, local time."""
    tz = timezone.get_current_timezone()
    doc = (lambda v: v or "") if full_identity else mask_document
    phone = (lambda v: v or "") if full_identity else mask_phone
    for rank, row in enumerate(rows, start=1):
        name, number, born, unit_name, block, age, correct, prediction, ms, at, tel = row[:11]
        category, rounds_total, perfect_rounds = row[11:]
        yield (
            rank,
            name,
            doc(number),
            born,
            unit_name,
            block or "",
            ages.get(age, age),
            *((category or "",) if categories else ()),
            correct,
            *((rounds_total, perfect_rounds) if cumulative else ()),
            prediction,
            _seconds(ms),
            at.astimezone(tz).replace(tzinfo=None) if at else None,
            phone(tel),
        )
        if progress is not None and rank % CHUNK == 0:
            progress(rank)
