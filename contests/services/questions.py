"""Writes for the question bank.

A question version drawn into an attempt (`used=True`) is never changed in place: editing it
creates a new version (`version + 1`, `replaces` = the old one) and retires the old one
(`is_active=False`), so past attempts keep exactly what the participant saw. Correcting the
answer key of a version already used is a regrade, not an edit: that belongs to the scoring
app (answer key fix + regrade), not here."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contests.models import Contest, Option, Question, Topic
from contests.services.contests import contest_change_record

MIN_OPTIONS = 2
MAX_OPTIONS = 6
TEXT_MAX = 2000
OPTION_MAX = 1000
EXPLANATION_MAX = 4000
REFERENCE_MAX = 300


@dataclass(frozen=True)
class OptionData:
    text: str
    is_correct: bool = False


def options_problems(options: list[OptionData]) -> list[str]:
    """Why a list of options is not acceptable ([] when it is): 2–6 non-empty options, each at
    most OPTION_MAX characters, exactly one correct."""
    problems = []
    if len(options) < MIN_OPTIONS:
        problems.append(_("Câu hỏi cần ít nhất 2 phương án."))
    if len(options) > MAX_OPTIONS:
        problems.append(_("Câu hỏi có tối đa 6 phương án."))
    if any(not o.text.strip() for o in options):
        problems.append(_("Phương án không được để trống."))
    if any(len(o.text) > OPTION_MAX for o in options):
        problems.append(_("Phương án dài quá 1.000 ký tự."))
    correct = sum(1 for o in options if o.is_correct)
    if correct == 0:
        problems.append(_("Hãy đánh dấu một phương án đúng."))
    elif correct > 1:
        problems.append(_("Chỉ được đánh dấu một phương án đúng."))
    return problems


def _question_problems(
    *, contest: Contest, topic: Topic, text: str, options: list[OptionData]
) -> list[str]:
    problems = []
    if topic.contest_id != contest.pk:
        problems.append(_("Chủ đề này thuộc cuộc thi khác."))
    if not text.strip():
        problems.append(_("Thiếu nội dung câu hỏi."))
    if len(text) > TEXT_MAX:
        problems.append(_("Nội dung câu hỏi dài quá 2.000 ký tự."))
    problems.extend(options_problems(options))
    return problems


def _snapshot(question: Question, options: list[OptionData] | None = None) -> dict:
    if options is None:
        options = [OptionData(o.text, o.is_correct) for o in question.options.order_by("position")]
    return {
        "id": question.pk,
        "version": question.version,
        "topic": question.topic_id,
        "text": question.text,
        "difficulty": question.difficulty,
        "is_active": question.is_active,
        "pool": question.pool,
        "options": [o.text for o in options],
        "correct": [i + 1 for i, o in enumerate(options) if o.is_correct],
    }


def _options_create(question: Question, options: list[OptionData]) -> None:
    Option.objects.bulk_create(
        Option(question=question, position=i, text=o.text.strip(), is_correct=o.is_correct)
        for i, o in enumerate(options, start=1)
    )


@transaction.atomic
def question_create(
    *,
    contest: Contest,
    topic: Topic,
    text: str,
    options: list[OptionData],
    explanation: str = "",
    legal_reference: str = "",
    difficulty: int = Question.Difficulty.MEDIUM,
    is_active: bool = True,
    pool: str = Question.Pool.CONTEST,
    user=None,
) -> Question:
    """A new question (version 1) with its options. ValidationError (Vietnamese messages,
    nothing written) for a missing text, fewer than 2 or more than 6 options, no or several
    correct options, or a topic of another contest."""
    problems = _question_problems(contest=contest, topic=topic, text=text, options=options)
    if problems:
        raise ValidationError(problems)
    question = Question.objects.create(
        contest=contest,
        topic=topic,
        text=text.strip(),
        explanation=explanation,
        legal_reference=legal_reference,
        difficulty=difficulty,
        is_active=is_active,
        pool=pool,
    )
    _options_create(question, options)
    contest_change_record(
        contest=contest, user=user, what="question", before={}, after=_snapshot(question, options)
    )
    return question


@transaction.atomic
def question_update(
    *,
    question: Question,
    topic: Topic,
    text: str,
    options: list[OptionData],
    explanation: str = "",
    legal_reference: str = "",
    difficulty: int = Question.Difficulty.MEDIUM,
    is_active: bool = True,
    pool: str | None = None,
    user=None,
) -> Question:
    """Apply an edit; returns the version that now carries it.

    - Unused version: changed in place (options replaced).
    - Used version (drawn into an attempt): a new version is created (version + 1,
      `replaces` = the old one) and the old one is retired (is_active=False); the old row and
      its options stay exactly as they were. Only a change of the active flag or of the pool
      (`pool`, None = unchanged) alone is applied in place (neither changes what anyone saw).
    - A version already replaced cannot be edited (edit the newest one).
    After publishing, the change is recorded in ContestChange ("question", or "answer_key"
    when the correct option changed) with before/after."""
    locked = Question.objects.select_for_update().select_related("contest").get(pk=question.pk)
    contest = locked.contest
    if Question.objects.filter(replaces=locked).exists():
        raise ValidationError(_("Câu hỏi này đã có phiên bản mới; hãy sửa phiên bản mới nhất."))
    problems = _question_problems(contest=contest, topic=topic, text=text, options=options)
    if problems:
        raise ValidationError(problems)
    before = _snapshot(locked)
    old_options = [OptionData(o["text"], o["is_correct"]) for o in _option_rows(locked)]
    content_changed = (
        locked.text != text.strip()
        or locked.topic_id != topic.pk
        or locked.explanation != explanation
        or locked.legal_reference != legal_reference
        or locked.difficulty != difficulty
        or [(o.text.strip(), o.is_correct) for o in options]
        != [(o.text, o.is_correct) for o in old_options]
    )
    pool = pool or locked.pool
    if not content_changed:
        if locked.is_active != is_active or locked.pool != pool:
            Question.objects.filter(pk=locked.pk).update(is_active=is_active, pool=pool)
            locked.is_active, locked.pool = is_active, pool
            contest_change_record(
                contest=contest,
                user=user,
                what="question",
                before=before,
                after=_snapshot(locked, old_options),
            )
        return locked

    if locked.used:
        Question.objects.filter(pk=locked.pk).update(is_active=False)
        result = Question.objects.create(
            contest=contest,
            topic=topic,
            text=text.strip(),
            explanation=explanation,
            legal_reference=legal_reference,
            difficulty=difficulty,
            is_active=is_active,
            pool=pool,
            version=locked.version + 1,
            replaces=locked,
        )
    else:
        locked.topic = topic
        locked.text = text.strip()
        locked.explanation = explanation
        locked.legal_reference = legal_reference
        locked.difficulty = difficulty
        locked.is_active = is_active
        locked.pool = pool
        locked.save(
            update_fields=[
                "topic",
                "text",
                "explanation",
                "legal_reference",
                "difficulty",
                "is_active",
                "pool",
            ]
        )
        locked.options.all().delete()
        result = locked
    _options_create(result, options)
    key_changed = before["correct"] != [i + 1 for i, o in enumerate(options) if o.is_correct]
    contest_change_record(
        contest=contest,
        user=user,
        what="answer_key" if key_changed else "question",
        before=before,
        after=_snapshot(result, options),
    )
    return result


def _option_rows(question: Question) -> list[dict]:
    return list(question.options.order_by("position").values("text", "is_correct"))
