"""Reads for practice tests ("Thi thử"): what may be drawn, whose attempt, and the result with
its key.

Only questions whose pool is "practice" or "both" are ever drawn into a practice test, and
the result page shows the key of a question only while its pool still says so: a question
moved back to "contest only" after a practice test keeps its key hidden there."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from contests.models import Contest, Option, Question
from learning.models import PracticeAttempt
from participants.models import Participant

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
    question_ids = [item["q"] for item in attempt.items]
    options = {
        o.id: o
        for o in Option.objects.filter(question_id__in=question_ids).select_related("question")
    }
    shown_items = []
    for number, item in enumerate(attempt.items, start=1):
        chosen = attempt.answers.get(str(item["q"]))
        shown = [options[o] for o in item["o"] if o in options]
        if not shown:
            continue
        question = shown[0].question
        key_shown = question.pool in PRACTICE_POOLS
        is_correct = any(o.is_correct and o.id == chosen for o in shown)
        shown_items.append(
            {
                "number": number,
                "text": question.text,
                "key_shown": key_shown,
                "options": [
                    {
                        "text": o.text,
                        "chosen": o.id == chosen,
                        "correct": key_shown and o.is_correct,
                    }
                    for o in shown
                ],
                "answered": chosen is not None,
                "is_correct": key_shown and is_correct,
                "explanation": question.explanation if key_shown else "",
                "legal_reference": question.legal_reference if key_shown else "",
            }
        )
    return shown_items
