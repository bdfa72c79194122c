"""Practice tests ("Thi thử"): start (draw), autosave, submit.

A practice attempt is a `learning.PracticeAttempt`, never a `scoring.Attempt`: no roll-up,
ranking, export or prize reads this table, so practice can never be counted.

Guarantees, as for the real test (scoring.services.attempts):
- one open practice test per person and contest (a partial unique constraint): a second
  start, a double click or a race returns the open one;
- time is the server's: the deadline (start + the contest's time limit) is stored at start;
  answers are accepted until deadline + GRACE;
- exactly one submission: the open → submitted move happens under a row lock on a row
  still open, so a second submit changes nothing and reports `created=False`;
- answers are checked against the attempt's own items (`answers_clean`): nothing else is
  written.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import IntegrityError, transaction

from contest_site import clock
from contests.models import Contest, Option, Question
from contests.refusals import raise_if_refused
from contests.selectors import PUBLIC_STATUSES
from learning.models import PracticeAttempt
from learning.rules.practice import practice_question_count, practice_refusal
from learning.selectors.practice import practice_open_for, practice_questions_drawable
from participants.models import Participant
from scoring.selectors.attempts import GRACE
from scoring.services.attempts import answers_clean, refuse
from scoring.services.grading import answer_key_load

_random = secrets.SystemRandom()
PRACTICE = PracticeAttempt.Kind.PRACTICE
OPEN, SUBMITTED = PracticeAttempt.Status.OPEN, PracticeAttempt.Status.SUBMITTED


def practice_start(
    *, participant: Participant | None, contest: Contest, now: datetime.datetime | None = None
) -> PracticeAttempt:
    """Start a practice test, or return the person's open one.

    Refused (`Refused`, with the reason in Vietnamese) when the account is not a citizen's,
    the contest is not published, its practice mode is closed now
    (`learning.rules.practice.practice_open`) or it has no practice question. Draws the
    contest's `practice_question_count` questions (or all, when fewer) at random from the
    practice pool, options shuffled if the contest shuffles them, deadline = start + the
    contest's time limit. The drawn versions are marked used, like the real test's: a used
    version is never edited in place, so a practice result keeps what the person saw. An open
    practice test already past deadline + GRACE is submitted first."""
    now = now or clock.now()
    if participant is not None:
        running = practice_open_for(participant=participant, contest=contest, kind=PRACTICE)
        if running is not None:
            if now <= running.deadline + GRACE:
                return running
            practice_submit(attempt=running, now=now)
    ids = (
        list(practice_questions_drawable(contest=contest).values_list("id", flat=True))
        if participant is not None
        else []
    )
    raise_if_refused(
        practice_refusal(
            published=contest.status in PUBLIC_STATUSES,
            is_participant=participant is not None,
            mode=contest.practice_mode,
            opens_at=contest.opens_at,
            closes_at=contest.closes_at,
            now=now,
            available=len(ids),
        )
    )
    count = practice_question_count(wanted=contest.practice_question_count, available=len(ids))
    chosen = _random.sample(ids, count)
    options: dict[int, list[int]] = {}
    rows = Option.objects.filter(question_id__in=chosen).order_by("question_id", "position")
    for question_id, option_id in rows.values_list("question_id", "id"):
        options.setdefault(question_id, []).append(option_id)
    items = []
    for q in chosen:
        order = options.get(q, [])
        if contest.shuffle_options:
            _random.shuffle(order)
        items.append({"q": q, "o": order})
    try:
        with transaction.atomic():
            attempt = PracticeAttempt.objects.create(
                participant=participant,
                contest=contest,
                kind=PRACTICE,
                status=OPEN,
                items=items,
                answers={},
                started_at=now,
                deadline=now + datetime.timedelta(minutes=contest.time_limit_minutes),
                question_count=len(items),
            )
            Question.objects.filter(id__in=chosen, used=False).update(used=True)
    except IntegrityError:
        running = practice_open_for(participant=participant, contest=contest, kind=PRACTICE)
        if running is None:
            raise refuse("busy") from None
        return running
    return attempt


def practice_autosave(
    *, attempt: PracticeAttempt, answers: dict, now: datetime.datetime | None = None
) -> PracticeAttempt:
    """Store answers (merged over the saved ones) of an open practice test. Idempotent; one
    conditional UPDATE `WHERE status='open' AND deadline >= now - GRACE`. Refused (nothing
    written) when submitted, past the deadline + GRACE, or an answer is not of this test."""
    now = now or clock.now()
    clean = answers_clean(attempt=attempt, answers=answers)
    if attempt.status != OPEN:
        raise refuse("submitted")
    if now > attempt.deadline + GRACE:
        raise refuse("expired")
    merged = {**attempt.answers, **clean}
    updated = PracticeAttempt.objects.filter(
        pk=attempt.pk, status=OPEN, deadline__gte=now - GRACE
    ).update(answers=merged)
    if not updated:
        raise refuse("submitted")
    attempt.answers = merged
    return attempt


def practice_submit(
    *,
    attempt: PracticeAttempt,
    answers: dict | None = None,
    now: datetime.datetime | None = None,
) -> tuple[PracticeAttempt, bool]:
    """Submit a practice test exactly once and mark it at once (nothing is queued: it is
    never counted). In time, the answers given are merged over the saved ones; later, they
    are dropped and the test is finished with what was saved, at its deadline. Returns
    (attempt, created); a second submit returns (attempt, False) and changes nothing.
    Invalid answers raise Refused and change nothing."""
    now = now or clock.now()
    clean = answers_clean(attempt=attempt, answers=answers or {})
    with transaction.atomic():
        locked = PracticeAttempt.objects.select_for_update().filter(pk=attempt.pk).first()
        if locked is None or locked.status != OPEN:
            attempt.refresh_from_db()
            return attempt, False
        in_time = now <= locked.deadline + GRACE
        merged = {**locked.answers, **clean} if in_time else dict(locked.answers)
        key = answer_key_load(question_ids=[item["q"] for item in locked.items])
        correct = sum(
            1
            for item in locked.items
            if merged.get(str(item["q"])) in key.get(item["q"], frozenset())
        )
        locked.answers = merged
        locked.status = SUBMITTED
        locked.finished_at = min(now, locked.deadline) if in_time else locked.deadline
        locked.correct_count = correct
        locked.save(update_fields=["answers", "status", "finished_at", "correct_count"])
    return locked, True
