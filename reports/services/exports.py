"""Excel exports as background jobs: a row says who asked for what, how far it is, and where
the file is; a worker on the "exports" queue fills it; the file expires and is deleted.

A full export (document numbers and phones unmasked) needs the permission
`participants.view_full_identity` and is written to the personal data access log. The question
bank carries the answer key: only the contest's owner side may ask for it, run it or download
it (`export_kind_allowed`, over `contests.access.answer_key_visible_to`)."""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contests.access import answer_key_visible_to
from contests.masking import can_view_full_identity
from contests.models import Contest, Round, Unit
from participants.services import personal_data_access_log
from reports import selectors
from reports.exports import prizes, questions, results, summary, units
from reports.exports.base import SheetWriter
from reports.models import ExportJob

logger = logging.getLogger(__name__)

KEY_REFUSED = _lazy(
    "Ngân hàng câu hỏi kèm đáp án chỉ dành cho đơn vị tổ chức cuộc thi: bạn không xuất được "
    "tệp này."
)

WRITERS = {
    ExportJob.Kind.SUMMARY: summary.write,
    ExportJob.Kind.RESULTS: results.write,
    ExportJob.Kind.UNITS: units.write,
    ExportJob.Kind.PRIZES: prizes.write,
    ExportJob.Kind.QUESTIONS: questions.write,
}


def export_kind_allowed(*, user, contest: Contest, kind: str) -> bool:
    """Whether `user` may have this kind of export of `contest`: every kind for anyone who may
    see its reports, except the question bank (correct options, explanations, legal
    references), which is the owner side's only."""
    if kind == ExportJob.Kind.QUESTIONS:
        return answer_key_visible_to(user=user, contest=contest)
    return True


def export_kinds_for(*, user, contest: Contest) -> list[tuple[str, str]]:
    """The (value, label) pairs the dashboard offers this user for this contest."""
    return [
        (value, label)
        for value, label in ExportJob.Kind.choices
        if export_kind_allowed(user=user, contest=contest, kind=value)
    ]


# The kinds that are about one round or the whole contest (the others ignore a round).
ROUND_KINDS = (ExportJob.Kind.RESULTS, ExportJob.Kind.PRIZES)


def export_job_create(
    *,
    user,
    contest: Contest,
    kind: str,
    unit: Unit | None = None,
    round: Round | None = None,  # noqa: A002
    full_identity: bool = False,
) -> ExportJob:
    """Create an export job for `user` on `contest`, limited to `unit`'s subtree (default: the
    highest unit the user may see) and, for the results and the prize list, to `round` (None:
    the whole contest, ranked by its cumulative rule), and queue it after the transaction
    commits. Raises ValidationError for an unknown kind or a round of another contest, Http404
    for a unit outside the user's subtree and PermissionDenied for the question bank outside
    the owner side or a full export without the permission."""
    if kind not in ExportJob.Kind.values:
        raise ValidationError(_("Loại tệp xuất không hợp lệ."))
    if round is not None and round.contest_id != contest.pk:
        raise ValidationError(_("Vòng thi này không thuộc cuộc thi."))
    scope = selectors.unit_for(user=user, contest=contest, code=unit.code if unit else None)
    if not export_kind_allowed(user=user, contest=contest, kind=kind):
        raise PermissionDenied(KEY_REFUSED)
    if full_identity and not can_view_full_identity(user):
        raise PermissionDenied(_("Bạn không có quyền xuất đầy đủ số giấy tờ."))
    job = ExportJob.objects.create(
        owner=user,
        kind=kind,
        contest=contest,
        unit=scope,
        round=round if kind in ROUND_KINDS else None,
        full_identity=bool(full_identity and kind == ExportJob.Kind.RESULTS),
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from reports.tasks import export_run

    try:
        export_run.delay(job_id)
    except Exception:  # the broker is down: the job stays pending and can be run again
        logger.exception("export job %s could not be queued", job_id)


def export_job_run(*, job_id: int, rows_per_sheet: int | None = None) -> ExportJob | None:
    """Run a pending job (or one whose worker died while running it): write the workbook to a
    temporary file, store it, mark the job done with an expiry. Safe to run twice: a job that
    is done or failed is left alone; a missing job returns None."""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]
    ).update(status=ExportJob.Status.RUNNING, progress=0)
    job = (
        ExportJob.objects.select_related("contest", "unit", "owner", "round")
        .filter(pk=job_id)
        .first()
    )
    if not claimed or job is None:
        return job
    if not export_kind_allowed(user=job.owner, contest=job.contest, kind=job.kind):
        # Asked for before the owner lost the right (or before this check existed).
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(KEY_REFUSED), finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    total = _expected_rows(job)

    def progress(done: int) -> None:
        percent = min(99, int(done * 100 / total)) if total else 50
        ExportJob.objects.filter(pk=job.pk).update(progress=percent, rows_written=done)

    writer = SheetWriter(rows_per_sheet=rows_per_sheet)
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        # The writers set the tables up; the rows of a large one are read while saving.
        WRITERS[job.kind](
            writer,
            contest=job.contest,
            unit=job.unit,
            round=job.round,
            full_identity=job.full_identity,
            progress=progress,
        )
        writer.save(path)
        rows = writer.rows_written
        if job.full_identity:
            personal_data_access_log(
                user=job.owner,
                action="export_full",
                target=f"export:{job.pk} {job.kind} {job.contest.slug} "
                f"{job.unit.code if job.unit else ''}",
            )
        # A random part: the name of a personal-data file must not be guessable.
        part = f"-vong-{job.round.number}" if job.round_id else ""
        name = f"{slugify(job.contest.slug)}-{job.kind}{part}-{job.pk}-{secrets.token_hex(8)}.xlsx"
        with open(path, "rb") as handle:
            job.file.save(name, File(handle), save=False)
        now = timezone.now()
        job.status = ExportJob.Status.DONE
        job.progress = 100
        job.rows_written = rows
        job.finished_at = now
        job.expires_at = now + datetime.timedelta(hours=settings.EXPORT_TTL_HOURS)
        job.save(
            update_fields=[
                "status",
                "progress",
                "rows_written",
                "file",
                "finished_at",
                "expires_at",
            ]
        )
    except Exception as exc:
        logger.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        job.refresh_from_db()
    finally:
        if os.path.exists(path):
            os.unlink(path)
    return job


def _expected_rows(job: ExportJob) -> int:
    if job.kind != ExportJob.Kind.RESULTS:
        return 0
    unit = job.unit or job.contest.participation_root
    round_key = selectors.round_key_of(job.round)
    return selectors.totals(contest=job.contest, unit=unit, round_key=round_key)["participants"]


def export_job_downloadable(*, user, job: ExportJob) -> bool:
    """Only the owner, the city (an account attached to a root) or a superuser, only a kind
    the user may have (`export_kind_allowed`), and only a finished job whose file has not
    expired."""
    if not selectors.export_job_visible(user=user, job=job):
        return False
    if not export_kind_allowed(user=user, contest=job.contest, kind=job.kind):
        return False
    if job.status != ExportJob.Status.DONE or not job.file:
        return False
    return job.expires_at is None or job.expires_at > timezone.now()


def export_jobs_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of expired jobs and the jobs themselves; returns how many."""
    now = now or timezone.now()
    count = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
