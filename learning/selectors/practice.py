"""Reads for practice tests ("Thi thử"): what may be drawn, whose attempt, and the result with
its key.

Only questions whose pool is "practice" or "both" are ever drawn into a practice test, and
the result page shows the key of a question only while its pool still says so: a question
moved back to "contest only" after a practice test keeps its key hidden there."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from contests.models import Contest, Question
from learning.models import PracticeAttempt
from participants.models import Participant
from scoring.selectors.attempts import answer_sheet

PRACTICE_POOLS = (Question.Pool.PRACTICE, Question.Pool.BOTH)


def participant_of(*, user) -> Participant | None:
    """The citizen account behind a logged-in user (None for staff without one)."""
    if user is None or not user.is_authenticated:
        return None
    return Participant.objects.filter(user_id=user.pk).first()


def practice_questions_drawable(*, contest: Contest) -> QuerySet[Question]:
    """The contest's questions a practice test may contain: active, in the practice pool
    ("practice" or "both"), with 2–6 options and exactly one correct option (the same shape
    check as `contests.selectors.questions_drawable`)."""
    return (
        Question.objects.filter(contest=contest, is_active=True, pool__in=PRACTICE_POOLS)
        .annotate(
            n_options=Count("options"),
            n_correct=Count("options", filter=Q(options__is_correct=True)),
        )
        .filter(n_options__gte=2, n_options__lte=6, n_correct=1)
    )


def practice_for_user(*, practice_id: int, user, slug: str, kind: str) -> PracticeAttempt | None:
    """The practice (or review) attempt if it is `user`'s, of the contest `slug`, of `kind`;
    None otherwise (the view's 404). One query."""
    if user is None or not user.is_authenticated:
        return None
    return (
        PracticeAttempt.objects.select_related("contest")
        .filter(pk=practice_id, participant__user_id=user.pk, contest__slug=slug, kind=kind)
        .first()
    )


def practice_open_for(*, participant: Participant, contest: Contest, kind: str):
    return PracticeAttempt.objects.filter(
        participant=participant, contest=contest, kind=kind, status=PracticeAttempt.Status.OPEN
    ).first()


def practice_recent(*, participant: Participant, contest: Contest, limit: int = 10) -> list:
    """The person's latest practice tests in the contest, newest first."""
    return list(
        PracticeAttempt.objects.filter(
            participant=participant, contest=contest, kind=PracticeAttempt.Kind.PRACTICE
        ).order_by("-started_at", "-id")[:limit]
    )


def practice_result(*, attempt: PracticeAttempt) -> list[dict]:
    """A submitted practice test, question by question in display order: the text, each
    option with "chosen"/"correct", the explanation and the legal reference. The key of a
    question whose pool no longer includes practice is not shown (`key_shown` False)."""
    if attempt.status != PracticeAttempt.Status.SUBMITTED:
        return []
    return answer_sheet(
        items=attempt.items,
        answers=attempt.answers,
        explanations=True,
        key_shown=lambda question: question.pool in PRACTICE_POOLS,
    )
