"""The question bank: topic, question, options, correct option(s), explanation, reference.

This is the answer key: the job is created, run and downloaded only for the contest's owner
side (reports.services.exports.export_kind_allowed); the writer itself trusts its caller."""

from __future__ import annotations

from django.utils.translation import gettext as _

from contests.models import Contest, Option, Question
from contests.rich_text import rich_text_to_plain
from reports.exports.base import Column, SheetWriter

LETTERS = "ABCDEFGHIJ"


def write(writer: SheetWriter, *, contest: Contest, **_kw) -> int:
    questions = list(
        Question.objects.filter(contest=contest)
        .select_related("topic")
        .order_by("topic__name", "id")
    )
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question__contest=contest).order_by(
        "question_id", "position"
    ):
        options.setdefault(option.question_id, []).append(option)
    most = max((len(v) for v in options.values()), default=4)
    writer.start(
        _("Câu hỏi"),
        [
            Column(_("Chủ đề"), 24),
            Column(_("Câu hỏi"), 60),
            *[Column(_("Phương án %(letter)s") % {"letter": LETTERS[i]}, 30) for i in range(most)],
            Column(_("Đáp án đúng"), 10),
            Column(_("Giải thích"), 40),
            Column(_("Căn cứ pháp lý"), 30),
            Column(_("Độ khó"), 10),
            Column(_("Đang dùng"), 10),
        ],
    )
    for q in questions:
        opts = options.get(q.id, [])
        texts = [o.text for o in opts] + [""] * (most - len(opts))
        correct = ", ".join(LETTERS[i] for i, o in enumerate(opts) if o.is_correct)
        writer.append(
            (
                q.topic.name,
                q.text,
                *texts,
                correct,
                rich_text_to_plain(q.explanation),
                q.legal_reference,
                q.get_difficulty_display(),
                _("Có") if q.is_active else _("Không"),
            )
        )
    return len(questions)
