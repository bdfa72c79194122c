import datetime

import pytest
from django.utils import translation

from scoring.rules.attempt_document import (
    OptionFact,
    OptionRow,
    QuestionRow,
    answer_sheet,
    duration_text,
    moment_text,
)

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (datetime.datetime(2026, 3, 7, 7, 5, 9, tzinfo=UTC), "07/03/2026 14:05:09"),
        # 17:30 UTC is past midnight in Vietnam: the next day.
        (datetime.datetime(2026, 12, 31, 17, 30, 0, tzinfo=UTC), "01/01/2027 00:30:00"),
        (datetime.datetime(2026, 1, 2, 3, 4, 5, 999999, tzinfo=UTC), "02/01/2026 10:04:05"),
    ],
)
def test_moment_text(value, text):
    assert moment_text(value) == text


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (None, "—"),
        (0, "0 phút 00 giây"),
        (999, "0 phút 00 giây"),
        (65_000, "1 phút 05 giây"),
        (20 * 60_000, "20 phút 00 giây"),
        (125 * 60_000 + 59_999, "125 phút 59 giây"),
        (-5, "0 phút 00 giây"),
    ],
)
def test_duration_text(ms, text):
    with translation.override("vi"):
        assert duration_text(ms) == text


OPTIONS = {
    11: OptionFact("Câu một?", "Đúng", True),
    12: OptionFact("Câu một?", "Sai", False),
    21: OptionFact("Câu hai?", "Sai nữa", False),
    22: OptionFact("Câu hai?", "Đúng nữa", True),
}


def row(number, text, options, answered, is_correct):
    return QuestionRow(number, text, tuple(OptionRow(*o) for o in options), answered, is_correct)


@pytest.mark.parametrize(
    ("items", "answers", "expected"),
    [
        # Display order is the attempt's own, not the options' ids.
        (
            [{"q": 1, "o": [12, 11]}, {"q": 2, "o": [22, 21]}],
            {"1": 11, "2": 21},
            [
                row(
                    1,
                    "Câu một?",
                    [("A", "Sai", False, False), ("B", "Đúng", True, True)],
                    True,
                    True,
                ),
                row(
                    2,
                    "Câu hai?",
                    [("A", "Đúng nữa", False, True), ("B", "Sai nữa", True, False)],
                    True,
                    False,
                ),
            ],
        ),
        # Not answered.
        (
            [{"q": 1, "o": [11, 12]}],
            {},
            [
                row(
                    1,
                    "Câu một?",
                    [("A", "Đúng", False, True), ("B", "Sai", False, False)],
                    False,
                    False,
                )
            ],
        ),
        # An option deleted since is left out; a question with none left too (numbers kept).
        (
            [{"q": 9, "o": [91, 92]}, {"q": 1, "o": [99, 11]}],
            {"1": 11},
            [row(2, "Câu một?", [("A", "Đúng", True, True)], True, True)],
        ),
        # Malformed rows are skipped, never an error.
        ([None, {"q": 1}, {"q": 1, "o": "11"}, "x"], {"1": 11}, []),
        ("not a list", {"1": 11}, []),
        (
            [{"q": 1, "o": [11, 12]}],
            "not a dict",
            [
                row(
                    1,
                    "Câu một?",
                    [("A", "Đúng", False, True), ("B", "Sai", False, False)],
                    False,
                    False,
                )
            ],
        ),
        ([], {}, []),
    ],
)
def test_answer_sheet(items, answers, expected):
    assert answer_sheet(items=items, answers=answers, options=OPTIONS) == expected
