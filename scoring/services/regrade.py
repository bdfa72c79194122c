"""Answer-key fixes and the background regrade they start.

`answer_key_fix` changes which options of a question are correct, records the change (before
and after) in AnswerKeyChange — and in ContestChange once the contest is published — and
creates a RegradeJob that is queued after commit. `regrade_job_run` (the Celery task
`regrade_contest`) regrades the affected attempts in batches with `attempts_grade(regrade=True)`,
which recomputes the results; each batch commits with the job's progress, so a redelivered job
resumes after the last batch done; each task works for about a minute and queues the next
slice, so that none outlives the broker's visibility timeout. A prediction value already
computed is recomputed at the end (the number of perfect attempts may have changed)."""

from __future__ import annotations

import logging
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest, ContestChange, Option, Question, Round
from contests.selectors import path_prefix_for
from scoring.models import AnswerKeyChange, Attempt, RegradeJob
from scoring.services.grading import attempts_grade
from scoring.services.prediction import prediction_actual_compute

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


def attempts_affected(*, contest_id: int, question_id: int | None) -> QuerySet[Attempt]:
    """Finished attempts of the contest that drew the question (all of them if None)."""
    attempts = Attempt.objects.filter(
        contest_id=contest_id, status__in=[Attempt.Status.SUBMITTED, Attempt.Status.GRADED]
    )
    # JSON containment (`items @> '[{"q": id}]'`) exists on PostgreSQL only; elsewhere (the
    # SQLite demo) every finished attempt is regraded, which gives the same result.
    if question_id is not None and connection.vendor == "postgresql":
        attempts = attempts.filter(items__contains=[{"q": question_id}])
    return attempts


def regrade_enqueue(*, job_id: int) -> bool:
    """Publish the regrade task; never raises (the job stays "queued" and can be started
    again from its page)."""
    from scoring.tasks import regrade_contest

    try:
        regrade_contest.apply_async((job_id,), retry=False)
    except Exception:  # broker errors are many; the job row records that it is still queued
        logger.warning("regrade job %s not queued (broker unavailable)", job_id, exc_info=True)
        return False
    return True


def answer_key_fix(*, question: Question, correct_option_ids: list, user) -> RegradeJob:
    """Make exactly `correct_option_ids` the correct options of `question`, audit it, and
    queue a regrade of the attempts that drew it. Refused with a Vietnamese message and
    nothing written when the ids are not options of this question, are empty, or do not
    change the key, or when the organiser is outside the contest's owner unit."""
    contest = question.contest
    prefix = path_prefix_for(user=user)
    if prefix is None or not contest.owner_unit.path.startswith(prefix):
        raise PermissionDenied(_("Bạn không có quyền sửa đáp án của cuộc thi này."))
    try:
        wanted = sorted({int(i) for i in correct_option_ids})
    except (TypeError, ValueError):
        raise ValidationError(_("Phương án đúng không hợp lệ.")) from None
    options = dict(Option.objects.filter(question=question).values_list("id", "is_correct"))
    if not wanted or not set(wanted) <= set(options):
        raise ValidationError(_("Hãy chọn một hoặc nhiều phương án của chính câu hỏi này."))
    before = sorted(i for i, correct in options.items() if correct)
    if before == wanted:
        raise ValidationError(_("Đáp án không thay đổi."))
    with transaction.atomic():
        Question.objects.select_for_update().filter(pk=question.pk).values_list("id").get()
        Option.objects.filter(question=question).update(
            is_correct=Case(When(id__in=wanted, then=True), default=False)
        )
        job = RegradeJob.objects.create(
            contest=contest,
            question=question,
            total=attempts_affected(contest_id=contest.pk, question_id=question.pk).count(),
            created_by=user,
        )
        AnswerKeyChange.objects.create(
            question=question, contest=contest, before=before, after=wanted, by=user, job=job
        )
        if contest.status != Contest.Status.DRAFT:
            ContestChange.objects.create(
                contest=contest,
                user=user,
                what="answer_key",
                before={"question": question.pk, "correct_options": before},
                after={"question": question.pk, "correct_options": wanted},
            )
        transaction.on_commit(lambda: regrade_enqueue(job_id=job.pk))
    return job


def regrade_job_run(
    *, job_id: int, batch_size: int = BATCH_SIZE, time_budget_s: float = 60.0
) -> RegradeJob | None:
    """Run (or resume) a regrade job: batches of attempts in id order after
    `last_attempt_id`, each committed together with the progress.

    Works for about `time_budget_s` and returns the job still "running" if attempts remain
    (the task then queues the next slice), so that no task outlives the broker's visibility
    timeout. Progress moves by a conditional UPDATE on `last_attempt_id`: if two runs of one
    job overlap (a redelivery), the one that falls behind stops and `done` stays exact.
    Returns quietly when the job is gone or done; a failure marks the job "failed" (it can be
    run again) and is re-raised."""
    job = RegradeJob.objects.filter(pk=job_id).first()
    if job is None or job.status == RegradeJob.Status.DONE:
        return job
    RegradeJob.objects.filter(pk=job.pk).update(
        status=RegradeJob.Status.RUNNING, started_at=job.started_at or timezone.now(), error=""
    )
    attempts = attempts_affected(contest_id=job.contest_id, question_id=job.question_id)
    stop_at = time.monotonic() + time_budget_s
    try:
        last = job.last_attempt_id
        while True:
            ids = list(
                attempts.filter(id__gt=last)
                .order_by("id")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                break
            with transaction.atomic():
                attempts_grade(attempt_ids=ids, regrade=True)
                moved = RegradeJob.objects.filter(pk=job.pk, last_attempt_id=last).update(
                    done=F("done") + len(ids), last_attempt_id=ids[-1]
                )
            if not moved:  # another run of this job is ahead: leave the rest to it
                job.refresh_from_db()
                return job
            last = ids[-1]
            if time.monotonic() > stop_at:
                job.refresh_from_db()
                return job
        contest = Contest.objects.get(pk=job.contest_id)
        if contest.prediction_actual is not None:
            prediction_actual_compute(contest=contest)
        for round_ in Round.objects.filter(contest=contest, prediction_actual__isnull=False):
            prediction_actual_compute(contest=contest, round=round_)
    except Exception as error:
        RegradeJob.objects.filter(pk=job.pk).update(
            status=RegradeJob.Status.FAILED, error=str(error)[:2000]
        )
        raise
    job.refresh_from_db()
    RegradeJob.objects.filter(pk=job.pk).update(
        status=RegradeJob.Status.DONE, finished_at=timezone.now(), total=max(job.total, job.done)
    )
    job.refresh_from_db()
    return job
