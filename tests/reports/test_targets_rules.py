"""Table tests of reports.rules.targets: the target in people, progress, "đạt 100 %", the
projection to the close and a roster person's status."""

import datetime

import pytest

from reports.rules.targets import (
    NOT_REGISTERED,
    REGISTERED_ONLY,
    TAKEN_PART,
    progress_percent,
    projection,
    roster_status,
    target_people,
    target_reached,
)

VN = datetime.timezone(datetime.timedelta(hours=7))


@pytest.mark.parametrize(
    ("people", "percent", "headcount", "expected"),
    [
        (120, None, None, 120),  # a number of people needs no headcount
        (120, None, 50, 120),  # and ignores it
        (None, 90, 31, 28),  # 27.9 rounded up
        (None, 100, 31, 31),
        (None, 50, 30, 15),  # exact: no rounding up
        (None, 1, 1, 1),
        (None, 80, None, None),  # a share of an unknown headcount
        (None, 80, 0, None),
        (None, 0, 100, None),  # a target of nobody
        (0, None, 100, None),
        (None, None, 100, None),  # nothing set
        (None, 33, 1_512_991, 499_288),  # 499,287.03 rounded up, integer arithmetic
    ],
)
def test_target_people(people, percent, headcount, expected):
    assert target_people(people=people, percent=percent, headcount=headcount) == expected


@pytest.mark.parametrize(
    ("participants", "target", "progress", "reached"),
    [
        (0, 10, 0.0, False),
        (9, 10, 90.0, False),
        (10, 10, 100.0, True),
        (15, 10, 150.0, True),  # beyond the target: not capped
        (1, 3, 33.3, False),
        (2, 3, 66.7, False),
        (5, None, None, False),  # no target: nothing to measure
        (5, 0, None, False),
    ],
)
def test_progress_and_reached(participants, target, progress, reached):
    assert progress_percent(participants=participants, target=target) == progress
    assert target_reached(participants=participants, target=target) is reached


OPENS = datetime.datetime(2023, 9, 1, 0, 0, tzinfo=VN)
CLOSES = datetime.datetime(2023, 10, 1, 0, 0, tzinfo=VN)  # 24:00 on 30/9


def day(n):
    return datetime.date(2023, 9, n)


@pytest.mark.parametrize(
    ("now", "participants", "new", "expected"),
    [
        # Before the opening: nothing to extrapolate.
        (datetime.datetime(2023, 8, 31, 12, 0, tzinfo=VN), 0, {}, ("not_open", None, None, 0)),
        # The opening day: no complete day yet.
        (
            datetime.datetime(2023, 9, 1, 20, 0, tzinfo=VN),
            40,
            {day(1): 40},
            ("no_data", None, None, 0),
        ),
        # Day 3 at 00:00: days 1 and 2 are complete, mean 15/day, 28 days left.
        (
            datetime.datetime(2023, 9, 3, 0, 0, tzinfo=VN),
            30,
            {day(1): 10, day(2): 20},
            ("open", 30 + 15 * 28, 15.0, 2),
        ),
        # Today's partial figure is left out of the mean (but in the current figure).
        (
            datetime.datetime(2023, 9, 3, 12, 0, tzinfo=VN),
            130,
            {day(1): 10, day(2): 20, day(3): 100},
            ("open", 130 + int(15 * 27.5), 15.0, 2),
        ),
        # Only the last 7 complete days: 3..9 (7 × 7 = 49, mean 7), a day without a row is 0.
        (
            datetime.datetime(2023, 9, 10, 0, 0, tzinfo=VN),
            1049,
            {day(1): 500, day(2): 500, **{day(n): 7 for n in range(3, 10)}},
            ("open", 1049 + 7 * 21, 7.0, 7),
        ),
        (
            datetime.datetime(2023, 9, 10, 0, 0, tzinfo=VN),
            100,
            {day(9): 70},
            ("open", 100 + 10 * 21, 10.0, 7),
        ),
        # Nobody new for a week: the projection is today's figure.
        (datetime.datetime(2023, 9, 20, 6, 0, tzinfo=VN), 300, {}, ("open", 300, 0.0, 7)),
        # Fractions of a day left count, and the projection rounds down: 3 × 0.5 = 1.5 → 1.
        (
            datetime.datetime(2023, 9, 30, 12, 0, tzinfo=VN),
            100,
            {day(n): 3 for n in range(1, 31)},
            ("open", 101, 3.0, 7),
        ),
        # At and after the close the figure is final.
        (CLOSES, 777, {day(1): 5}, ("closed", 777, None, 0)),
        (CLOSES + datetime.timedelta(days=3), 777, {}, ("closed", 777, None, 0)),
    ],
)
def test_projection(now, participants, new, expected):
    p = projection(
        participants=participants,
        new_per_day=new,
        now=now,
        opens_at=OPENS,
        closes_at=CLOSES,
        tz=VN,
    )
    assert (p.status, p.projected, p.per_day, p.days_used) == expected


def test_projection_reads_local_days_not_utc():
    # 2/9 06:00 local is 1/9 23:00 UTC: day 1 (local) is complete, so it is used.
    now = datetime.datetime(2023, 9, 1, 23, 0, tzinfo=datetime.UTC)
    p = projection(
        participants=24,
        new_per_day={day(1): 24},
        now=now,
        opens_at=OPENS,
        closes_at=CLOSES,
        tz=VN,
    )
    assert (p.status, p.per_day, p.days_used) == ("open", 24.0, 1)
    assert p.projected == 24 + int(24 * (CLOSES - now).total_seconds() / 86400)


@pytest.mark.parametrize(
    ("registered", "graded", "expected"),
    [
        (False, 0, NOT_REGISTERED),
        (True, 0, REGISTERED_ONLY),
        (True, 1, TAKEN_PART),
        (True, 12, TAKEN_PART),
    ],
)
def test_roster_status(registered, graded, expected):
    assert roster_status(registered=registered, graded_attempts=graded) == expected
