"""The score rule (pure): out of 100, two decimals, half up."""

from decimal import Decimal

import pytest

from scoring.rules.score import score_for


@pytest.mark.parametrize(
    ("correct", "total", "score"),
    [
        (19, 19, Decimal("100.00")),
        (0, 19, Decimal("0.00")),
        (1, 3, Decimal("33.33")),
        (2, 3, Decimal("66.67")),
        (1, 8, Decimal("12.50")),
        (1, 16, Decimal("6.25")),
        (1, 160, Decimal("0.63")),  # 0.625 half up
        (7, 10, Decimal("70.00")),
        (0, 0, Decimal("0")),
    ],
)
def test_score_for(correct, total, score):
    assert score_for(correct=correct, total=total) == score
    assert str(score_for(correct=correct, total=total)) == str(score)
