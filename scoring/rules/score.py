"""The grading rule, pure: which answer counts as correct, the score of an attempt and its
duration. The Python grading path calls these; the SQL grading path
(`scoring.services.grading_sql`) is their twin, proved equal by
tests/scoring/test_grading_sql.py.

- An answer is correct when it is an option id among the question's correct options; an
  answer stored as a list is correct when its ids are exactly the set of correct options.
  An option id is what the exam accepts (`contest_site.untrusted.parse_id`: a JSON integer
  0 … 10¹⁸−1 or a string of 1–18 ASCII digits); anything else (null, true, 1.5, " 1", "١")
  is wrong, and so is any answer to a question without a correct option.
- The score: one point per correct question, out of 100 (`100 × correct / question count`,
  two decimals, half up; 0 for a test of no question).
- The duration: `min(finished_at, deadline) − started_at` in whole milliseconds (floored, never
  negative): a late submission accepted within the grace never counts as slower than the
  time limit."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from contest_site.untrusted import parse_id

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ONE_MS = datetime.timedelta(milliseconds=1)


def answer_is_correct(answer, correct: frozenset[int] | None) -> bool:
    if not correct:
        return False
    if isinstance(answer, list):
        chosen = [parse_id(a) for a in answer]
        return None not in chosen and set(chosen) == correct
    option = parse_id(answer)
    return option is not None and option in correct


def score_for(*, correct: int, total: int) -> Decimal:
    if not total:
        return Decimal(0)
    return (HUNDRED * correct / total).quantize(CENT, ROUND_HALF_UP)


def duration_ms_for(
    *,
    started_at: datetime.datetime,
    deadline: datetime.datetime,
    finished_at: datetime.datetime | None,
) -> int:
    end = min(finished_at or deadline, deadline)
    return max(0, (end - started_at) // ONE_MS)
