"""The grading rules (pure): which answer is correct, the score (out of 100, two decimals,
half up) and the duration."""

import datetime
from decimal import Decimal

import pytest

from scoring.rules.score import answer_is_correct, duration_ms_for, score_for


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


KEY = frozenset({12, 15})


@pytest.mark.parametrize(
    ("answer", "correct", "expected"),
    [
        (12, KEY, True),
        (15, KEY, True),
        ("12", KEY, True),  # an option id posted as text
        ("012", KEY, True),
        (13, KEY, False),
        (None, KEY, False),
        (12, frozenset(), False),  # a question without a correct option
        (12, None, False),  # a question removed since the draw
        (True, frozenset({1}), False),  # not an option id (int(True) would be 1)
        (12.0, KEY, False),
        (12.5, KEY, False),
        (-12, KEY, False),
        (" 12", KEY, False),
        ("1_2", KEY, False),
        ("١٢", KEY, False),
        ("abc", KEY, False),
        ({"id": 12}, KEY, False),
        (10**18, frozenset({10**18}), False),  # past the largest id parse_id reads
        ([12, 15], KEY, True),  # a list: exactly the set of correct options
        ([15, 12, 12], KEY, True),
        (["12", "15"], KEY, True),
        ([12], KEY, False),
        ([12, 15, 16], KEY, False),
        ([12, 15, "x"], KEY, False),
        ([12, 15, None], KEY, False),
        ([], KEY, False),
        ([[12, 15]], KEY, False),
    ],
)
def test_answer_is_correct(answer, correct, expected):
    assert answer_is_correct(answer, correct) is expected


T = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("finished_after", "duration_ms"),
    [
        (datetime.timedelta(seconds=312.5), 312_500),
        (datetime.timedelta(microseconds=1999), 1),  # whole milliseconds, floored
        (datetime.timedelta(minutes=21), 1_200_000),  # late within the grace: the time limit
        (None, 1_200_000),  # no finish time: the deadline
        (-datetime.timedelta(seconds=5), 0),  # never negative
    ],
)
def test_duration_ms_for(finished_after, duration_ms):
    finished = None if finished_after is None else T + finished_after
    deadline = T + datetime.timedelta(minutes=20)
    assert duration_ms_for(started_at=T, deadline=deadline, finished_at=finished) == duration_ms
