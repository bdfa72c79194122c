"""The best-attempt rule (pure), and that grading keeps the attempt it names."""

import datetime

import pytest

from scoring.rules.best_attempt import sort_key

T0 = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)
S = datetime.timedelta(seconds=1)


def attempt(aid, correct, ms, finished_s):
    return {
        "attempt_id": aid,
        "correct_count": correct,
        "duration_ms": ms,
        "finished_at": T0 + finished_s * S,
    }


def best_of(*attempts):
    return min(attempts, key=lambda a: sort_key(**a))["attempt_id"]


# Each row: the attempts, and the id of the one that counts.
TABLE = [
    ("most correct", [attempt(1, 18, 100_000, 0), attempt(2, 19, 900_000, 900)], 2),
    ("shortest duration", [attempt(1, 18, 300_001, 0), attempt(2, 18, 300_000, 900)], 2),
    ("earliest finish", [attempt(2, 18, 300_000, 10), attempt(1, 18, 300_000, 11)], 2),
    ("lowest id", [attempt(3, 18, 300_000, 10), attempt(2, 18, 300_000, 10)], 2),
    ("only one", [attempt(7, 0, 0, 0)], 7),
    (
        "three",
        [attempt(1, 17, 1, 0), attempt(2, 19, 500_000, 5), attempt(3, 19, 400_000, 9)],
        3,
    ),
]


@pytest.mark.parametrize(("case", "attempts", "expected"), TABLE, ids=[t[0] for t in TABLE])
def test_the_attempt_that_counts(case, attempts, expected):
    assert best_of(*attempts) == expected
    assert best_of(*reversed(attempts)) == expected


def test_the_key():
    assert sort_key(**attempt(4, 19, 250_000, 3)) == (-19, 250_000, T0 + 3 * S, 4)
