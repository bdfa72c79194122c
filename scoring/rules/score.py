"""The score of an attempt: one point per correct question, out of 100
(`100 × correct / question count`, two decimals, half up; 0 for a test of no question)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def score_for(*, correct: int, total: int) -> Decimal:
    if not total:
        return Decimal(0)
    return (HUNDRED * correct / total).quantize(CENT, ROUND_HALF_UP)
