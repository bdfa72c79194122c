"""The attempt's deadline (scoring.rules.deadline): time limit plus the person's extra time,
capped by the contest's and the round's close."""

import datetime

import pytest

from scoring.rules.deadline import attempt_deadline

T0 = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)
FAR = T0 + datetime.timedelta(days=30)


def at(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("limit", "extra", "contest_close", "round_close", "expected"),
    [
        (20, 0, FAR, None, at(20)),  # the contest's time limit
        (20, 10, FAR, None, at(30)),  # plus the time allowance
        (20, 10, at(25), None, at(25)),  # never past the contest's close
        (20, 10, FAR, at(28), at(28)),  # nor the round's
        (20, 10, at(26), at(28), at(26)),  # whichever closes first
        (20, 0, FAR, at(45), at(20)),  # a far round close changes nothing
        (20, -5, FAR, None, at(20)),  # a negative allowance is no allowance
    ],
)
def test_attempt_deadline(limit, extra, contest_close, round_close, expected):
    assert (
        attempt_deadline(
            started_at=T0,
            time_limit_minutes=limit,
            extra_minutes=extra,
            contest_closes_at=contest_close,
            round_closes_at=round_close,
        )
        == expected
    )
