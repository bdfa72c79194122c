"""The ranked results of a contest (or a unit's subtree), read from scoring's ranking
(`results_ranked`: the prize allocation's order, disqualified and excluded people left out)
in pages of CHUNK rows (`ranking_id_pages`). Document numbers and phones are masked unless
the job is a full (logged) export."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from contests.masking import mask_document
from contests.models import Contest, Unit
from participants.masking import mask_phone
from participants.selectors import contest_age_groups
from reports.exports.base import Column, SheetWriter
from scoring.models import Result
from scoring.selectors.results import ranking_id_pages, results_ranked

CHUNK = 5000

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
)


def _rows(ranked):
    """The export's rows in ranking order: the order read once as ids, each page's rows by
    id (an index lookup, not a sort of the whole contest per page)."""
    for ids in ranking_id_pages(ranked, size=CHUNK):
        page = Result.objects.filter(pk__in=ids).values_list("pk", *FIELDS)
        by_id = {row[0]: row[1:] for row in page}
        # A row deleted since the order was read (a regrade) is skipped, not a gap.
        yield from (by_id[pk] for pk in ids if pk in by_id)


def columns() -> list[Column]:
    return [
        Column(_("Hạng"), 8),
        Column(_("Họ và tên"), 28),
        Column(_("Số giấy tờ"), 16),
        Column(_("Ngày sinh"), 12),
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
) -> int:
    """Write the ranked results; returns the number of rows. `progress(done)` is called every
    CHUNK rows."""
    writer.start(_("Kết quả"), columns())
    ages = {group.key: str(group.label) for group in contest_age_groups(contest=contest)}
    tz = timezone.get_current_timezone()
    doc = (lambda v: v or "") if full_identity else mask_document
    phone = (lambda v: v or "") if full_identity else mask_phone
    append = writer.append
    rank = 0
    if unit is not None and unit.pk == contest.participation_root_id:
        unit = None  # the whole contest: no subtree filter to plan
    ranked = results_ranked(contest=contest, unit=unit)
    for row in _rows(ranked):
        name, number, born, unit_name, block, age, correct, prediction, ms, at, tel = row
        rank += 1
        append(
            (
                rank,
                name,
                doc(number),
                born,
                unit_name,
                block or "",
                ages.get(age, age),
                correct,
                prediction,
                round(ms / 1000, 3),
                at.astimezone(tz).replace(tzinfo=None) if at else None,
                phone(tel),
            )
        )
        if progress is not None and rank % CHUNK == 0:
            progress(rank)
    return rank
