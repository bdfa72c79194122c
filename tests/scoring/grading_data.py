"""Test data for grading, rankings and prizes: attempts made directly with the ORM (the
test-taking services are tested on their own)."""

import datetime
import itertools

from django.utils import timezone

from contests.models import Contest, Option
from scoring.models import Attempt
from tests.factories import RegistrationFactory, contest_with_bank

T0 = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)
_numbers = itertools.count(1)


def bank_contest(tree, *, questions=20, **kwargs):
    """A contest owned by the city whose test draws `questions` questions (all of them)."""
    kwargs.setdefault("time_limit_minutes", 20)
    return contest_with_bank(
        owner=tree["C"],
        root=tree["C"],
        topics=1,
        per_topic=questions,
        draw_per_topic=questions,
        **kwargs,
    )


def contest_questions(contest):
    """[(question id, [option ids], correct option id, a wrong option id)] in id order."""
    out = []
    options: dict[int, list] = {}
    for question_id, option_id, correct in (
        Option.objects.filter(question__contest=contest)
        .order_by("question_id", "position")
        .values_list("question_id", "id", "is_correct")
    ):
        options.setdefault(question_id, []).append((option_id, correct))
    for question_id, opts in sorted(options.items()):
        right = next(o for o, c in opts if c)
        wrong = next(o for o, c in opts if not c)
        out.append((question_id, [o for o, _ in opts], right, wrong))
    return out


def register(contest, unit, **kwargs):
    """A registration without a hashed password (Argon2 per user would slow the tests)."""
    return RegistrationFactory(
        contest=contest, unit=unit, participant__user__password="!", **kwargs
    )


def make_attempt(
    registration,
    questions,
    *,
    correct: int,
    seconds: float = 300,
    start=T0,
    prediction=None,
    round=None,  # noqa: A002
    status=Attempt.Status.SUBMITTED,
    time_limit_s: int = 1200,
    number=None,
):
    """A finished attempt answering the first `correct` questions right and the rest wrong,
    finished `seconds` after `start` (deadline = start + time limit)."""
    items = [{"q": q, "o": opts} for q, opts, _r, _w in questions]
    answers = {
        str(q): (right if i < correct else wrong)
        for i, (q, _opts, right, wrong) in enumerate(questions)
    }
    return Attempt.objects.create(
        registration=registration,
        contest_id=registration.contest_id,
        round=round,
        number=number or next(_numbers),
        status=status,
        items=items,
        answers=answers,
        prediction=prediction,
        started_at=start,
        deadline=start + datetime.timedelta(seconds=time_limit_s),
        finished_at=start + datetime.timedelta(seconds=seconds),
        submitted_at=timezone.now(),
        question_count=len(questions),
    )


def contest_close(contest, *, prediction_actual: int) -> None:
    """Move the contest to "closed" (ended a day ago, 30 days long) with the prediction's answer
    entered: what publishing results requires."""
    past = timezone.now() - datetime.timedelta(days=1)
    Contest.objects.filter(pk=contest.pk).update(
        status=Contest.Status.CLOSED,
        opens_at=past - datetime.timedelta(days=30),
        closes_at=past,
        prediction_actual=prediction_actual,
    )
    contest.refresh_from_db()
