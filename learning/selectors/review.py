"""Reads for "Ôn lại câu sai": the person's reviewable questions, their mastery per topic, and
one question of a review with (only when allowed) its key.

The key is read only for questions of graded attempts that
`scoring.selectors.attempts.review_allowed` lets the person review *now*: every page of a
review asks again, so a review started under one policy shows nothing more once the
organisers make the policy stricter (or for a question that never came from such an
attempt)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from contests.access import review_shows_explanations
from contests.models import Contest, Option, Question, Topic
from learning.models import PracticeAttempt
from learning.rules.review import (
    Seen,
    TopicMastery,
    lineage_roots,
    mastered_lineages,
    missed_questions,
    topic_mastery,
)
from participants.models import Participant
from scoring.models import Attempt
from scoring.selectors.attempts import question_contents, review_allowed
from scoring.services.grading import answer_key_load


@dataclass
class ReviewSummary:
    reviewable: int = 0  # graded attempts whose review the policy allows now
    seen: list[Seen] = field(default_factory=list)
    missed: list[Seen] = field(default_factory=list)
    mastered: set[int] = field(default_factory=set)
    topics: list[tuple[str, TopicMastery]] = field(default_factory=list)

    @property
    def allowed_question_ids(self) -> set[int]:
        return {s.question_id for s in self.seen}

    @property
    def mastered_count(self) -> int:
        return sum(1 for m in self.missed if m.lineage in self.mastered)


def _chosen(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def review_summary(
    *, participant: Participant, contest: Contest, now: datetime.datetime
) -> ReviewSummary:
    """What the person may review in `contest` now: every question of their graded attempts
    whose review the policy allows (`Seen`), the missed ones, those since answered right in
    a review, and the mastery per topic. A handful of queries, none per question."""
    attempts = [
        a
        for a in Attempt.objects.filter(
            registration__participant=participant,
            contest=contest,
            status=Attempt.Status.GRADED,
        )
        .select_related("contest", "round")
        .order_by("started_at", "id")
        if review_allowed(attempt=a, now=now)
    ]
    summary = ReviewSummary(reviewable=len(attempts))
    if not attempts:
        return summary
    reviews = list(
        PracticeAttempt.objects.filter(
            participant=participant, contest=contest, kind=PracticeAttempt.Kind.REVIEW
        ).values_list("answers", flat=True)
    )
    review_answers = [
        (int(q), _chosen(o)) for answers in reviews for q, o in answers.items() if q.isdecimal()
    ]
    question_ids = {item["q"] for a in attempts for item in a.items}
    key = answer_key_load(question_ids=question_ids | {q for q, _o in review_answers})
    versions = dict(Question.objects.filter(contest=contest).values_list("id", "replaces_id"))
    topics = dict(Question.objects.filter(id__in=question_ids).values_list("id", "topic_id"))
    lineage_of = lineage_roots(versions)
    for order, attempt in enumerate(attempts):
        for item in attempt.items:
            q = item["q"]
            chosen = _chosen(attempt.answers.get(str(q)))
            summary.seen.append(
                Seen(
                    question_id=q,
                    lineage=lineage_of.get(q, q),
                    topic_id=topics.get(q, 0),
                    options=tuple(item["o"]),
                    correct=chosen is not None and chosen in key.get(q, frozenset()),
                    order=order,
                )
            )
    summary.missed = missed_questions(summary.seen)
    summary.mastered = mastered_lineages(review_answers, key=key, lineage_of=lineage_of)
    mastery = topic_mastery(summary.seen, mastered=summary.mastered)
    names = dict(Topic.objects.filter(id__in=mastery).values_list("id", "name"))
    summary.topics = sorted(
        ((names.get(t, "—"), m) for t, m in mastery.items()), key=lambda pair: pair[0]
    )
    return summary


def review_question(*, attempt: PracticeAttempt, number: int, allowed: set[int]) -> dict | None:
    """Question `number` (1-based) of a review: text, options in the order first seen and, once
    answered *and* only if the question is in `allowed` (ReviewSummary.allowed_question_ids),
    right/wrong, the correct option and — if the contest's review shows them — the explanation
    and the legal reference. None for a number outside the review."""
    if not 1 <= number <= len(attempt.items):
        return None
    item = attempt.items[number - 1]
    q = item["q"]
    content = question_contents(question_ids=[q]).get(q, {"text": "", "options": {}})
    chosen = _chosen(attempt.answers.get(str(q)))
    may_show = q in allowed
    answered = chosen is not None
    question = {
        "number": number,
        "id": q,
        "text": content["text"],
        "answered": answered,
        "allowed": may_show,
        "options": [
            {"id": o, "text": content["options"].get(o, ""), "chosen": o == chosen}
            for o in item["o"]
        ],
    }
    if not (answered and may_show):
        return question
    correct_ids = set(
        Option.objects.filter(question_id=q, is_correct=True).values_list("id", flat=True)
    )
    row = Question.objects.filter(pk=q).values("explanation", "legal_reference").first() or {}
    explain = review_shows_explanations(contest=attempt.contest)
    for option in question["options"]:
        option["correct"] = option["id"] in correct_ids
    question.update(
        is_correct=chosen in correct_ids,
        explanation=row.get("explanation", "") if explain else "",
        legal_reference=row.get("legal_reference", "") if explain else "",
    )
    return question


def review_next_number(*, attempt: PracticeAttempt) -> int | None:
    """The first question of a review not answered yet (1-based), None when all are."""
    for number, item in enumerate(attempt.items, start=1):
        if str(item["q"]) not in attempt.answers:
            return number
    return None
