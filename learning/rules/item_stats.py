"""Classical item statistics of the question bank: pure functions, no database.

What counts:
- the item's population is every graded attempt it was drawn into (`drawn`). An unanswered
  question counts as wrong: the person saw it and did not give the right answer, and leaving
  it out would make a question that people skip because they cannot answer it look easy;
- facility = correct / drawn (`facility`);
- discrimination = the point-biserial correlation of the item score x (1 right, 0 wrong) with
  the REST score r = the attempt's correct count minus x, over the item's drawn attempts
  (`point_biserial`). The rest score leaves the item out of its own criterion, which would
  otherwise inflate the correlation (with 20 items by ~0.05–0.1). It is computed from five
  additive sums (n, Σx, Σr, Σr², Σxr) so that SQL aggregates give them and two partial sums
  merge by adding; x is binary, so Σx² = Σx;
- upper and lower groups: the strongest and weakest GROUP_SHARE (27 %) of the graded attempts by
  correct count, ties included (`score_groups`);
- flags (`item_flags`): nearly always right, nearly always wrong, negatively discriminating,
  possibly mis-keyed; each with a Vietnamese label and explanation (`FLAGS`).

Median time per question is not available: an attempt stores its answers without the time
each was given, only the attempt's start and finish."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Share of the graded attempts in each of the upper and lower groups (Kelley's 27 %).
GROUP_SHARE_PERCENT = 27
# Facility at or above which an item is "nearly always right", at or below "nearly always wrong".
FACILITY_HIGH = 0.95
FACILITY_LOW = 0.20
# Discrimination below which an item is "negatively discriminating".
DISCRIMINATION_NEGATIVE = 0.0
# Fewer draws than this: no flag at all (three people tell nothing about a question).
MIN_DRAWN_FOR_FLAGS = 20
# The mis-key flag needs at least this many answers to the item from the upper group.
MIN_UPPER_ANSWERS_FOR_MISKEY = 10

EASY = "easy"
HARD = "hard"
NEGATIVE = "negative"
MISKEYED = "miskeyed"

FLAGS = {
    EASY: (
        _("Gần như ai cũng đúng"),
        _(
            # xgettext:no-python-format
            "Từ 95% số lượt trở lên trả lời đúng: câu hỏi quá dễ, gần như không phân biệt được "
            "người hiểu luật với người chưa hiểu."
        ),
    ),
    HARD: (
        _("Gần như ai cũng sai"),
        _(
            # xgettext:no-python-format
            "Không quá 20% số lượt trả lời đúng: câu hỏi quá khó, diễn đạt gây hiểu nhầm, "
            "hoặc đáp án có vấn đề. Nên xem lại."
        ),
    ),
    NEGATIVE: (
        _("Phân biệt ngược"),
        _(
            "Người làm tốt phần còn lại của bài lại hay sai câu này hơn người làm kém (độ phân "
            "biệt âm): có thể câu hỏi gây hiểu nhầm hoặc đáp án sai."
        ),
    ),
    MISKEYED: (
        _("Có thể sai đáp án"),
        _(
            "Trong nhóm điểm cao (27% bài thi có nhiều câu đúng nhất), một phương án không phải "
            "đáp án được chọn nhiều hơn đáp án: hãy kiểm tra lại đáp án của câu hỏi."
        ),
    ),
}
FLAG_ORDER = (MISKEYED, NEGATIVE, HARD, EASY)


def flag_label(code: str) -> str:
    return str(FLAGS[code][0])


def flag_explanation(code: str) -> str:
    return str(FLAGS[code][1])


def facility(*, drawn: int, correct: int) -> float | None:
    """Share correct of the attempts the item was drawn into (unanswered = wrong); None when
    it was never drawn."""
    if drawn <= 0:
        return None
    return correct / drawn


@dataclass(frozen=True)
class Sums:
    """The additive sums of one item over its drawn attempts: x the item score, r the rest
    score (correct count minus x). `+` merges two partial sums."""

    n: int = 0
    sum_x: int = 0
    sum_r: int = 0
    sum_r2: int = 0
    sum_xr: int = 0

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            self.n + other.n,
            self.sum_x + other.sum_x,
            self.sum_r + other.sum_r,
            self.sum_r2 + other.sum_r2,
            self.sum_xr + other.sum_xr,
        )


def sums_for_answer_group(*, count: int, x: int, sum_correct: int, sum_correct2: int) -> Sums:
    """The sums of `count` attempts that gave the same answer to the item (so the same item
    score x), from Σ correct count and Σ correct count² over them: r = c − x, so
    Σr = Σc − x·n, Σr² = Σc² − 2x·Σc + x·n (x² = x), Σxr = x·Σr."""
    sum_r = sum_correct - x * count
    sum_r2 = sum_correct2 - 2 * x * sum_correct + x * count
    return Sums(count, x * count, sum_r, sum_r2, x * sum_r)


def point_biserial(sums: Sums) -> float | None:
    """Pearson's r between x and r from the sums (exact integer arithmetic up to the final
    square root and division); None with fewer than two attempts or when either x or r does
    not vary (everyone right, or every rest score equal): the correlation is undefined."""
    n = sums.n
    if n < 2:
        return None
    var_x = n * sums.sum_x - sums.sum_x * sums.sum_x
    var_r = n * sums.sum_r2 - sums.sum_r * sums.sum_r
    if var_x <= 0 or var_r <= 0:
        return None
    cov = n * sums.sum_xr - sums.sum_x * sums.sum_r
    return cov / math.sqrt(var_x * var_r)


@dataclass(frozen=True)
class Groups:
    """Upper group: correct count ≥ upper_min; lower group: correct count ≤ lower_max."""

    upper_min: int
    lower_max: int
    upper_attempts: int
    lower_attempts: int


def group_size(total: int) -> int:
    """How many attempts each group aims at: ⌈27 % of the total⌉ (at least 1 for a non-empty
    contest), in integer arithmetic (no float rounding at the boundary)."""
    return -(-total * GROUP_SHARE_PERCENT // 100) if total > 0 else 0


def score_groups(histogram: dict[int, int]) -> Groups | None:
    """The upper and lower groups from {correct count: number of graded attempts}.

    With k = group_size(N): the upper cut-off is the correct count of the k-th best attempt
    and every attempt scoring at least that is in the upper group (ties included, so the
    group may exceed 27 %); the lower cut-off likewise from the k-th weakest attempt. When the
    cut-offs meet or cross (upper_min ≤ lower_max: the scores hardly spread, e.g. everyone
    right) there are no groups: None, and no mis-key flag can be read."""
    counts = {int(c): int(n) for c, n in histogram.items() if n > 0}
    total = sum(counts.values())
    if total == 0:
        return None
    k = group_size(total)
    upper_min = _kth(sorted(counts, reverse=True), counts, k)
    lower_max = _kth(sorted(counts), counts, k)
    if upper_min <= lower_max:
        return None
    return Groups(
        upper_min=upper_min,
        lower_max=lower_max,
        upper_attempts=sum(n for c, n in counts.items() if c >= upper_min),
        lower_attempts=sum(n for c, n in counts.items() if c <= lower_max),
    )


def _kth(order: list[int], counts: dict[int, int], k: int) -> int:
    seen = 0
    for score in order:
        seen += counts[score]
        if seen >= k:
            return score
    return order[-1]


def group_of(*, correct_count: int, groups: Groups | None) -> int:
    """1 upper, -1 lower, 0 neither (also when there are no groups)."""
    if groups is None:
        return 0
    if correct_count >= groups.upper_min:
        return 1
    if correct_count <= groups.lower_max:
        return -1
    return 0


def item_flags(
    *,
    drawn: int,
    facility: float | None,
    discrimination: float | None,
    key_upper: int,
    distractors_upper: list[int],
) -> list[str]:
    """The item's flags, most serious first (FLAG_ORDER). `key_upper` is how many upper-group
    attempts chose a correct option, `distractors_upper` how many chose each wrong one.
    Nothing below MIN_DRAWN_FOR_FLAGS draws."""
    if drawn < MIN_DRAWN_FOR_FLAGS or facility is None:
        return []
    found = set()
    upper_answers = key_upper + sum(distractors_upper)
    if (
        upper_answers >= MIN_UPPER_ANSWERS_FOR_MISKEY
        and distractors_upper
        and max(distractors_upper) > key_upper
    ):
        found.add(MISKEYED)
    if discrimination is not None and discrimination < DISCRIMINATION_NEGATIVE:
        found.add(NEGATIVE)
    if facility <= FACILITY_LOW:
        found.add(HARD)
    if facility >= FACILITY_HIGH:
        found.add(EASY)
    return [code for code in FLAG_ORDER if code in found]


def topic_share(*, drawn: int, correct: int) -> float | None:
    """A topic's share correct for a unit: as facility, unanswered = wrong."""
    return facility(drawn=drawn, correct=correct)


@dataclass(frozen=True)
class TopicRow:
    topic_id: int
    topic: str
    drawn: int
    correct: int

    @property
    def share(self) -> float | None:
        return topic_share(drawn=self.drawn, correct=self.correct)


def weakest_topics(rows: list[TopicRow], *, limit: int = 3) -> list[TopicRow]:
    """A unit's weakest topics: lowest share correct first; among equal shares the topic drawn
    more often (more evidence) first, then by name. Topics never drawn are left out."""
    drawn = [row for row in rows if row.drawn > 0]
    drawn.sort(key=lambda row: (row.correct * 1.0 / row.drawn, -row.drawn, row.topic))
    return drawn[:limit]


# Which item statistics pages a staff account may open for a contest.
QUESTIONS = "questions"
TOPICS = "topics"
RECOMPUTE = "recompute"


def pages_allowed(*, sees_contest: bool, owns_contest: bool) -> frozenset[str]:
    """The per-question table shows how often each option was chosen, which gives the key away
    (the most chosen option, mostly): it is for the owner side only, as the key is
    (contests.access.answer_key_visible_to), and so is the recompute. A district taking part in
    a city contest sees the topic table of its own units only."""
    if owns_contest:
        return frozenset({QUESTIONS, TOPICS, RECOMPUTE})
    if sees_contest:
        return frozenset({TOPICS})
    return frozenset()
