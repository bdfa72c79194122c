"""Where a contest with rounds stands (contests.rules.rounds): the round open now, the next and
the countdown to it, the last one closed; and the countdown's words."""

import datetime
from types import SimpleNamespace

import pytest

from contests.rules.rounds import countdown_text, rounds_now

T0 = datetime.datetime(2026, 12, 7, 0, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def week(n, *, days=7, gap=0):
    """Round n: opens on day (n-1)*(days+gap), lasts `days`."""
    start = T0 + (n - 1) * (days + gap) * DAY
    return SimpleNamespace(number=n, opens_at=start, closes_at=start + days * DAY)


WEEKS = [week(n, days=5, gap=2) for n in (1, 2, 3)]  # Mon–Fri, weekend between rounds


def numbers(state):
    return tuple(
        r.number if r is not None else None for r in (state.open, state.next, state.last_closed)
    )


@pytest.mark.parametrize(
    ("now", "expected", "until", "between"),
    [
        (T0 - DAY, (None, 1, None), DAY, True),  # before the first round
        (T0, (1, 2, None), 7 * DAY, False),  # opening instant is open
        (T0 + 5 * DAY, (None, 2, 1), 2 * DAY, True),  # closing instant is closed: weekend
        (T0 + 6 * DAY, (None, 2, 1), DAY, True),
        (T0 + 7 * DAY, (2, 3, 1), 7 * DAY, False),
        (T0 + 20 * DAY, (None, None, 3), None, False),  # all over
    ],
)
def test_rounds_now(now, expected, until, between):
    state = rounds_now(WEEKS, now=now)
    assert numbers(state) == expected
    assert state.until_next == until
    assert state.between is between


def test_overlapping_windows_take_the_latest_opened():
    rounds = [week(1, days=10), week(2, days=7)]  # round 1 still open when 2 opens
    assert numbers(rounds_now(rounds, now=T0 + 8 * DAY)) == (2, None, None)


def test_no_rounds():
    assert numbers(rounds_now([], now=T0)) == (None, None, None)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (datetime.timedelta(days=2, hours=3, minutes=59), "2 ngày 3 giờ"),
        (datetime.timedelta(days=1), "1 ngày"),
        (datetime.timedelta(days=1, minutes=30), "1 ngày"),
        (datetime.timedelta(hours=5, minutes=12, seconds=59), "5 giờ 12 phút"),
        (datetime.timedelta(minutes=12), "12 phút"),
        (datetime.timedelta(seconds=59), "dưới 1 phút"),
        (datetime.timedelta(seconds=-5), "dưới 1 phút"),
    ],
)
def test_countdown_text(delta, text):
    assert countdown_text(delta) == text
