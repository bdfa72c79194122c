"""How marks add up: a judge's total for an entry, when a third judge is needed, and the
entry's mark at a stage. Pure; essays.services.judging calls them after every save.

- A judge's total is Σ marks × weight over the rubric's criteria (each 0..max_marks).
- Two judges whose totals differ by more than the task's `third_mark_gap` call for a third.
- The entry's mark is the mean of the two totals; with three, the mean of the two closest
  (the third judge settles which of the first two was out of line). When two pairs are equally
  close (e.g. 10, 20, 30), the higher pair counts: the benefit of the doubt goes to the writer.
- Means are rounded half up to 0.01."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import combinations

from django.utils.translation import gettext as _

from contests.refusals import Refusal

CENT = Decimal("0.01")
JUDGES_PER_ENTRY = 2
MAX_TURNS = 3


def mark_refusal(raw: str | None, *, max_marks: int) -> Refusal | None:
    """A criterion's mark as typed by a judge: a number from 0 to max_marks with at most two
    decimals ("7,5" accepted, the Vietnamese decimal comma)."""
    text = (raw or "").strip().replace(",", ".")
    if not text:
        return Refusal("mark_missing", _("Chưa nhập điểm cho tiêu chí này."))
    try:
        value = Decimal(text)
    except InvalidOperation:
        return Refusal("mark_not_number", _("Điểm phải là một số, ví dụ 7 hoặc 7,5."))
    if not value.is_finite() or value.as_tuple().exponent < -2:
        return Refusal("mark_not_number", _("Điểm chỉ có tối đa hai chữ số thập phân."))
    if value < 0 or value > max_marks:
        return Refusal(
            "mark_out_of_range",
            _("Điểm phải từ 0 đến %(max)s.") % {"max": max_marks},
        )
    return None


def mark_value(raw: str) -> Decimal:
    """The value of a mark that `mark_refusal` accepted."""
    return Decimal(raw.strip().replace(",", ".")).quantize(CENT)


def judge_total(marks: list[tuple[Decimal, int]]) -> Decimal:
    """A judge's total: Σ marks × weight over (marks, weight) pairs."""
    return sum((m * w for m, w in marks), Decimal(0)).quantize(CENT, ROUND_HALF_UP)


def max_total(criteria: list[tuple[int, int]]) -> Decimal:
    """The highest total the rubric allows: Σ max_marks × weight over (max_marks, weight)."""
    return Decimal(sum(m * w for m, w in criteria))


def needs_third(totals: list[Decimal], *, gap: Decimal) -> bool:
    """Exactly two totals, more than `gap` apart."""
    return len(totals) == JUDGES_PER_ENTRY and abs(totals[0] - totals[1]) > gap


def _mean(a: Decimal, b: Decimal) -> Decimal:
    return ((a + b) / 2).quantize(CENT, ROUND_HALF_UP)


def entry_mark(totals: list[Decimal], *, gap: Decimal) -> Decimal | None:
    """The entry's mark from its judges' totals at one stage, or None while it is not settled
    (fewer than two totals, or two too far apart and the third not in yet)."""
    if len(totals) < JUDGES_PER_ENTRY:
        return None
    if len(totals) == JUDGES_PER_ENTRY:
        if needs_third(totals, gap=gap):
            return None
        return _mean(*totals)
    # Three (or, after a hand assignment, more): the closest pair, the higher when tied.
    a, b = min(combinations(sorted(totals), 2), key=lambda pair: (pair[1] - pair[0], -sum(pair)))
    return _mean(a, b)
