"""Helpers for the practice and review tests: a contest with a practice pool."""

from contests.models import Question
from tests.factories import QuestionFactory, contest_with_bank


def practice_contest(tree, *, practice=6, both=2, **kwargs):
    """A published contest open now (the exam fixture's bank: 2 topics × 10 contest-only
    questions, the test draws 5 + 5) plus `practice` practice-only and `both` shared
    questions in topic 1; practice open before and during the contest, 5 questions a test."""
    kwargs.setdefault("practice_mode", "before_during")
    kwargs.setdefault("practice_question_count", 5)
    contest = contest_with_bank(owner=tree["C"], root=tree["C"], **kwargs)
    topic = contest.topics.order_by("name").first()
    for n in range(practice):
        QuestionFactory(
            topic=topic,
            text=f"Câu hỏi thi thử {n}?",
            pool=Question.Pool.PRACTICE,
            explanation=f"Giải thích thi thử {n}.",
            legal_reference=f"Điều {n + 1} Luật Giao thông đường bộ",
        )
    for n in range(both):
        QuestionFactory(topic=topic, text=f"Câu hỏi dùng chung {n}?", pool=Question.Pool.BOTH)
    return contest


def practice_ids(contest) -> set[int]:
    return set(
        Question.objects.filter(
            contest=contest, pool__in=[Question.Pool.PRACTICE, Question.Pool.BOTH]
        ).values_list("id", flat=True)
    )
