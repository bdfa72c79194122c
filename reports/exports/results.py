"""The ranked results of a contest (or a unit's subtree), streamed from the database in
ranking order (scoring.rules.ranking.order_by(): most correct, closest prediction, shortest
duration, earliest finish). Disqualified and excluded people are left out, as in the ranking.
Document numbers and phones are masked unless the job is a full (logged) export."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from contests.masking import mask_document
from contests.models import Contest, Unit
from participants.masking import mask_phone
from participants.models import Registration
from reports.exports.base import Column, SheetWriter
from scoring.models import Result
from scoring.rules import ranking
from scoring.selectors.results import disqualified_ids, excluded_ids

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


def queryset(*, contest: Contest, unit: Unit | None):
    results = Result.objects.filter(contest=contest, round__isnull=True)
    if unit is not None and unit.pk != contest.participation_root_id:
        results = results.filter(registration__unit__path__startswith=unit.path)
    apart = disqualified_ids(contest=contest) | excluded_ids(contest=contest)
    if apart:
        results = results.exclude(registration_id__in=apart)
    return results.order_by(*ranking.order_by())


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
    ages = {value: str(label) for value, label in Registration.AgeGroup.choices}
    tz = timezone.get_current_timezone()
    doc = (lambda v: v or "") if full_identity else mask_document
    phone = (lambda v: v or "") if full_identity else mask_phone
    append = writer.append
    rank = 0
    rows = queryset(contest=contest, unit=unit).values_list(*FIELDS).iterator(chunk_size=CHUNK)
    for name, number, born, unit_name, block, age, correct, prediction, ms, at, tel in rows:
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
