"""Review of missed questions ("Ôn lại câu sai"): start a review, answer its questions one at a
time, finish it.

A review is a `learning.PracticeAttempt` of kind "review" (untimed: no deadline), never
counted anywhere. It holds only questions of graded attempts the contest's review policy lets
the person review (`learning.selectors.review.review_summary`), and every answer is checked
against that policy again at the moment it is given: a question whose review is no longer
allowed is refused and nothing is written (nor is its key shown)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from contest_site import clock
from contest_site.untrusted import parse_id
from contests.models import Contest
from contests.refusals import Refused, raise_if_refused
from learning.models import PracticeAttempt
from learning.rules.review import MESSAGES, review_queue, review_refusal
from learning.selectors.practice import practice_open_for
from learning.selectors.review import review_summary
from participants.models import Participant
from scoring.services.grading import answer_key_load

REVIEW = PracticeAttempt.Kind.REVIEW
OPEN, SUBMITTED = PracticeAttempt.Status.OPEN, PracticeAttempt.Status.SUBMITTED

ANSWER_MESSAGES = {
    "finished": _("Lượt ôn tập này đã kết thúc."),
    "unknown_question": _("Câu hỏi không thuộc lượt ôn tập này."),
    "bad_option": _("Vui lòng chọn một phương án trả lời."),
}


def _refuse(code: str) -> Refused:
    return Refused(code, ANSWER_MESSAGES.get(code) or MESSAGES[code])


def review_start(
    *, participant: Participant | None, contest: Contest, now: datetime.datetime | None = None
) -> PracticeAttempt:
    """Start a review of the person's missed questions, or return their open one.

    Refused when the account is not a citizen's, no graded attempt may be reviewed yet
    (`review_allowed`), or nothing was missed. The review asks the missed questions not yet
    answered right in an earlier review (all of them again once every one is), each in the
    version and with the option order the person saw last."""
    now = now or clock.now()
    if participant is not None:
        running = practice_open_for(participant=participant, contest=contest, kind=REVIEW)
        if running is not None:
            return running
    summary = (
        review_summary(participant=participant, contest=contest, now=now)
        if participant is not None
        else None
    )
    raise_if_refused(
        review_refusal(
            is_participant=participant is not None,
            reviewable=summary.reviewable if summary else 0,
            missed=len(summary.missed) if summary else 0,
        )
    )
    queue = review_queue(summary.missed, summary.mastered)
    try:
        with transaction.atomic():
            return PracticeAttempt.objects.create(
                participant=participant,
                contest=contest,
                kind=REVIEW,
                status=OPEN,
                items=[{"q": s.question_id, "o": list(s.options)} for s in queue],
                answers={},
                started_at=now,
                deadline=None,
                question_count=len(queue),
            )
    except IntegrityError:
        running = practice_open_for(participant=participant, contest=contest, kind=REVIEW)
        if running is None:
            raise _refuse("finished") from None
        return running


def review_answer(
    *,
    attempt: PracticeAttempt,
    question_id,
    option_id,
    allowed: set[int],
    now: datetime.datetime | None = None,
) -> PracticeAttempt:
    """Record the answer to one question of an open review. `allowed`: the question ids the
    policy lets the person review now (ReviewSummary.allowed_question_ids); a question not
    in it is refused. The first answer to a question stands (its key is shown right after):
    answering it again changes nothing. When every question is answered the review is
    finished, with its number of right answers."""
    now = now or clock.now()
    question, option = parse_id(question_id), parse_id(option_id)
    items = {item["q"]: item["o"] for item in attempt.items}
    if question is None or question not in items:
        raise _refuse("unknown_question")
    if question not in allowed:
        raise _refuse("not_yet")
    if option is None or option not in items[question]:
        raise _refuse("bad_option")
    with transaction.atomic():
        locked = PracticeAttempt.objects.select_for_update().filter(pk=attempt.pk).first()
        if locked is None or locked.status != OPEN:
            raise _refuse("finished")
        if str(question) in locked.answers:
            return locked
        locked.answers = {**locked.answers, str(question): option}
        fields = ["answers"]
        if len(locked.answers) >= len(locked.items):
            _finish(locked, now=now)
            fields += ["status", "finished_at", "correct_count"]
        locked.save(update_fields=fields)
    return locked


def review_finish(
    *, attempt: PracticeAttempt, now: datetime.datetime | None = None
) -> tuple[PracticeAttempt, bool]:
    """End an open review early (the questions left are simply not answered). Returns
    (attempt, created); finishing a finished review changes nothing."""
    now = now or clock.now()
    with transaction.atomic():
        locked = PracticeAttempt.objects.select_for_update().filter(pk=attempt.pk).first()
        if locked is None or locked.status != OPEN:
            attempt.refresh_from_db()
            return attempt, False
        _finish(locked, now=now)
        locked.save(update_fields=["status", "finished_at", "correct_count"])
    return locked, True


def _finish(attempt: PracticeAttempt, *, now: datetime.datetime) -> None:
    key = answer_key_load(question_ids=[item["q"] for item in attempt.items])
    attempt.correct_count = sum(
        1
        for item in attempt.items
        if attempt.answers.get(str(item["q"])) in key.get(item["q"], frozenset())
    )
    attempt.status = SUBMITTED
    attempt.finished_at = now
