"""reports.rules.freshness: when the dashboard refreshes the roll-ups itself, and the
button's wait."""

import datetime

import pytest

from reports.rules.freshness import Freshness, freshness, manual_refresh_wait

T0 = datetime.datetime(2023, 9, 10, 8, 0, tzinfo=datetime.UTC)


def at(seconds: float) -> datetime.datetime:
    return T0 + datetime.timedelta(seconds=seconds)


F, R, B = Freshness.FRESH, Freshness.REFRESH, Freshness.BEHIND


@pytest.mark.parametrize(
    ("now", "refreshed", "covered", "changed", "prizes", "expected"),
    [
        # Never rolled up: refresh.
        (at(0), None, None, None, None, R),
        (at(0), None, None, at(-5), at(-5), R),
        # Nothing graded or registered since: exact however old.
        (at(86_400), at(0), at(0), at(-10), None, F),
        (at(86_400), at(0), at(0), None, None, F),
        # Changed since, but younger than two minutes: shown as is (beat's pace).
        (at(119), at(0), at(0), at(30), None, F),
        # Changed since and two minutes old: refresh.
        (at(120), at(0), at(0), at(30), None, R),
        # The watermark, not the write time, says what is counted.
        (at(600), at(0), at(-60), at(-30), None, R),
        (at(600), at(0), None, at(-30), None, F),
        # A prize list newer than the figures: refresh after 20 seconds, else show the age.
        (at(19), at(0), at(0), at(10), at(10), B),
        (at(20), at(0), at(0), at(10), at(10), R),
        # A snapshot published after the last refresh, nothing graded since.
        (at(3600), at(0), at(0), at(-100), at(1800), R),
        # A prize list older than the figures: nothing to do.
        (at(3600), at(0), at(0), at(-100), at(-100), F),
    ],
)
def test_freshness(now, refreshed, covered, changed, prizes, expected):
    assert (
        freshness(
            now=now,
            refreshed_at=refreshed,
            covered_until=covered,
            changed_at=changed,
            prizes_as_of=prizes,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("now", "last", "expected"),
    [
        (at(0), None, 0),
        (at(60), at(0), 0),
        (at(61), at(0), 0),
        (at(59.5), at(0), 1),
        (at(30), at(0), 30),
        (at(0.2), at(0), 60),
        # A clock that went back: wait at most the window.
        (at(-10), at(0), 60),
    ],
)
def test_manual_refresh_wait(now, last, expected):
    assert manual_refresh_wait(now=now, last_asked_at=last) == expected
