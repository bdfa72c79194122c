"""The vocabulary of ranking: which tie-break keys an organiser may chain, in what order, and how
the contest's overall ranking adds up its rounds. The keys themselves (their SQL order, pure
comparison and explanation) live in `scoring.rules.ranking`, which implements exactly these
names (a test keeps the two equal); contests only stores and checks the organiser's choice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TieBreak(models.TextChoices):
    MOST_CORRECT = "most_correct", _("Nhiều câu trả lời đúng hơn")
    CLOSEST_PREDICTION = "closest_prediction", _("Dự đoán gần đáp án hơn")
    SHORTEST_DURATION = "shortest_duration", _("Thời gian làm bài ngắn hơn")
    EARLIEST_FINISH = "earliest_finish", _("Nộp bài sớm hơn")
    FEWER_ATTEMPTS = "fewer_attempts", _("Số lần thi ít hơn")
    MORE_PERFECT_ATTEMPTS = "more_perfect_attempts", _("Nhiều bài thi đạt điểm tuyệt đối hơn")
    EARLIEST_REGISTRATION = "earliest_registration", _("Đăng ký dự thi sớm hơn")
    EARLIEST_START = "earliest_start", _("Bắt đầu làm bài lần đầu sớm hơn")


# Today's order (and every contest's until its organiser chooses another).
DEFAULT_CHAIN: tuple[str, ...] = (
    TieBreak.MOST_CORRECT,
    TieBreak.CLOSEST_PREDICTION,
    TieBreak.SHORTEST_DURATION,
    TieBreak.EARLIEST_FINISH,
)


class CumulativeRule(models.TextChoices):
    """How a contest with rounds ranks people overall (the contest-level ranking)."""

    BEST_ATTEMPT = "best_attempt", _("Bài thi tốt nhất trong cả cuộc thi")
    ROUND_SUM = "round_sum", _("Tổng số câu đúng của bài tốt nhất mỗi tuần/vòng")
    PERFECT_ROUNDS = "perfect_rounds", _("Số tuần/vòng có bài đạt điểm tuyệt đối")


def chain_refusals(chain: list | tuple) -> list[str]:
    """Why `chain` (key names, first decides first) cannot be a contest's tie-break chain, one
    Vietnamese sentence each; [] when it can. Empty means the default chain."""
    if not isinstance(chain, list | tuple):
        return [str(_("Thứ tự xét xếp hạng không hợp lệ."))]
    problems: list[str] = []
    known = set(TieBreak.values)
    for name in chain:
        if name not in known:
            problems.append(
                str(_("Tiêu chí xếp hạng “%(name)s” không có trong danh mục.") % {"name": name})
            )
    seen = [name for name in chain if name in known]
    if len(seen) != len(set(seen)):
        problems.append(str(_("Mỗi tiêu chí xếp hạng chỉ được chọn một lần.")))
    if TieBreak.EARLIEST_REGISTRATION in seen[:-1]:
        # No two people register at the same moment: a key after it would never decide.
        problems.append(
            str(
                _(
                    "“%(label)s” phân định mọi trường hợp bằng nhau, nên phải là tiêu chí cuối "
                    "cùng của thứ tự xét xếp hạng."
                )
                % {"label": TieBreak.EARLIEST_REGISTRATION.label}
            )
        )
    return problems


def chain_or_default(chain: list | tuple | None) -> tuple[str, ...]:
    """The chain a contest ranks by: its own if set and valid, else the default."""
    if chain and not chain_refusals(chain):
        return tuple(str(name) for name in chain)
    return DEFAULT_CHAIN
