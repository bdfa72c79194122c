"""Practice ("Thi thử"): when it is open and who may start one. Pure functions, no database.

A practice test is drawn only from the questions whose pool is "practice" or "both": the
organiser who puts a question in "both" accepts that its key is shown after a practice test,
before the contest's own review policy would show it. A contest-only question never reaches
practice, so practice never reveals its key early."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from contests.refusals import Refusal

OFF, BEFORE, BEFORE_AND_DURING, ALWAYS = "off", "before", "before_during", "always"

MESSAGES = {
    "not_published": _("Cuộc thi chưa được công bố."),
    "off": _("Cuộc thi này không mở phần thi thử."),
    "closed_started": _("Phần thi thử chỉ mở trước khi cuộc thi bắt đầu."),
    "closed_finished": _("Cuộc thi đã kết thúc, phần thi thử đã đóng."),
    "no_questions": _("Cuộc thi chưa có câu hỏi thi thử. Vui lòng quay lại sau."),
    "not_participant": _(
        "Chỉ tài khoản thí sinh mới làm bài thi thử được. Vui lòng đăng nhập bằng tài khoản "
        "thí sinh."
    ),
}


def practice_open(
    mode: str, opens_at: datetime.datetime, closes_at: datetime.datetime, now: datetime.datetime
) -> bool:
    """Whether the contest's practice mode lets a practice test start at `now`: never when
    off; before the contest opens ("before"); until it closes ("before_during"); always."""
    if mode == BEFORE:
        return now < opens_at
    if mode == BEFORE_AND_DURING:
        return now < closes_at
    return mode == ALWAYS


def practice_refusal(
    *,
    published: bool,
    is_participant: bool,
    mode: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    now: datetime.datetime,
    available: int,
) -> Refusal | None:
    """Why a practice test cannot start now (None: it can). `available`: how many questions of
    the practice pool may be drawn."""
    if not is_participant:
        return Refusal("not_participant", MESSAGES["not_participant"])
    if not published:
        return Refusal("not_published", MESSAGES["not_published"])
    if not practice_open(mode, opens_at, closes_at, now):
        if mode == BEFORE:
            return Refusal("closed", MESSAGES["closed_started"])
        if mode == BEFORE_AND_DURING:
            return Refusal("closed", MESSAGES["closed_finished"])
        return Refusal("off", MESSAGES["off"])
    if available < 1:
        return Refusal("no_questions", MESSAGES["no_questions"])
    return None


def practice_question_count(*, wanted: int, available: int) -> int:
    """How many questions a practice test has: the contest's number, or every practice
    question when the pool is smaller."""
    return max(0, min(wanted, available))
