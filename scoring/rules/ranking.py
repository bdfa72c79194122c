"""The ranking rule as a small pure function over plain rows (no database).

Order: most correct answers → smallest prediction error (no prediction: last) → shortest
duration → earliest finish → registration id (a stable final key, so no two rows tie).
The database order used by the selectors (`ORDER_BY`) is the same rule; a test keeps them equal.
`explain(a, b)` says in Vietnamese which of two participants is ahead and why, for appeals."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

# Sorts after any real prediction error.
_NO_PREDICTION = float("inf")


@dataclass(frozen=True)
class RankRow:
    registration_id: int
    correct_count: int
    prediction_error: int | None
    duration_ms: int
    finished_at: datetime.datetime


def sort_key(row: RankRow) -> tuple:
    error = _NO_PREDICTION if row.prediction_error is None else row.prediction_error
    return (-row.correct_count, error, row.duration_ms, row.finished_at, row.registration_id)


def rank(rows: list[RankRow]) -> list[tuple[int, RankRow]]:
    """[(rank, row)] best first; ranks are 1, 2, 3… (the final key breaks every tie)."""
    return [(i, row) for i, row in enumerate(sorted(rows, key=sort_key), start=1)]


# The same order in SQL, for selectors that rank millions of rows in the database.
ORDER_BY = [
    F("correct_count").desc(),
    F("prediction_error").asc(nulls_last=True),
    F("duration_ms").asc(),
    F("finished_at").asc(),
    F("registration_id").asc(),
]


def _label(row: RankRow) -> str:
    return _("Người dự thi #%(id)s") % {"id": row.registration_id}


def _duration(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}:{seconds:02d},{millis:03d}"


def _moment(at: datetime.datetime) -> str:
    local = timezone.localtime(at)
    return local.strftime("%H:%M:%S,") + f"{local.microsecond // 1000:03d} {local:%d/%m/%Y}"


def explain(a: RankRow, b: RankRow) -> str:
    """Why one of `a`, `b` ranks above the other, in Vietnamese, naming the first key that
    differs and both values."""
    if a.registration_id == b.registration_id:
        return _("Đây là cùng một người dự thi.")
    first, second = (a, b) if sort_key(a) < sort_key(b) else (b, a)
    names = {"first": _label(first), "second": _label(second)}
    if first.correct_count != second.correct_count:
        return _(
            "%(first)s xếp trên %(second)s vì trả lời đúng nhiều câu hơn "
            "(%(a)s câu so với %(b)s câu)."
        ) % {**names, "a": first.correct_count, "b": second.correct_count}
    if first.prediction_error != second.prediction_error:
        if second.prediction_error is None:
            return _(
                "%(first)s xếp trên %(second)s: cùng số câu đúng (%(n)s), "
                "%(first)s có trả lời câu hỏi dự đoán (sai số %(a)s), "
                "%(second)s không trả lời câu hỏi dự đoán."
            ) % {**names, "n": first.correct_count, "a": first.prediction_error}
        return _(
            "%(first)s xếp trên %(second)s: cùng số câu đúng (%(n)s), "
            "dự đoán gần đáp án hơn (sai số %(a)s so với %(b)s)."
        ) % {
            **names,
            "n": first.correct_count,
            "a": first.prediction_error,
            "b": second.prediction_error,
        }
    if first.duration_ms != second.duration_ms:
        return _(
            "%(first)s xếp trên %(second)s: cùng số câu đúng và cùng sai số dự đoán, "
            "thời gian làm bài ngắn hơn (%(a)s so với %(b)s)."
        ) % {**names, "a": _duration(first.duration_ms), "b": _duration(second.duration_ms)}
    if first.finished_at != second.finished_at:
        return _(
            "%(first)s xếp trên %(second)s: cùng số câu đúng, sai số dự đoán và thời gian "
            "làm bài, nộp bài sớm hơn (%(a)s so với %(b)s)."
        ) % {**names, "a": _moment(first.finished_at), "b": _moment(second.finished_at)}
    return (
        _(
            "%(first)s xếp trên %(second)s: bằng nhau ở mọi tiêu chí, thứ tự cuối cùng theo mã "
            "đăng ký dự thi (đăng ký trước xếp trên)."
        )
        % names
    )
