"""Each anomaly rule (integrity.rules.anomalies) with a positive and a negative case, at and
around its thresholds."""

import datetime

import pytest

from integrity.rules import anomalies
from integrity.rules.anomalies import AnsweredAttempt

T0 = datetime.datetime(2023, 9, 5, 8, 0, tzinfo=datetime.UTC)
MIN = datetime.timedelta(minutes=1)
SEC = datetime.timedelta(seconds=1)
ADDR, ADDR2 = "aaaaaaaa", "bbbbbbbb"
PHONE, TABLET = "11111111", "22222222"


# --- Faster than reading -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question_count", "text_chars", "floor_ms"),
    [
        (20, 5000, 200_000),  # long texts: 5,000 characters at 25 a second
        (20, 500, 60_000),  # short texts: 3 seconds a question is the floor
        (20, 1500, 60_000),  # both give a minute
        (0, 0, 0),
    ],
)
def test_reading_floor(question_count, text_chars, floor_ms):
    assert anomalies.reading_floor_ms(question_count=question_count, text_chars=text_chars) == (
        floor_ms
    )


@pytest.mark.parametrize(
    ("all_correct", "duration_ms", "question_count", "text_chars", "flagged"),
    [
        (True, 41_000, 20, 4_300, True),  # 20/20 in 41 s, 4,300 characters need 172 s
        (True, 172_000, 20, 4_300, False),  # exactly the floor: a fast reader could
        (True, 171_999, 20, 4_300, True),
        (False, 41_000, 20, 4_300, False),  # not all correct: a guesser, not a key
        (True, 59_000, 20, 100, True),  # short texts: under 3 s a question
        (True, 61_000, 20, 100, False),
        (True, None, 20, 4_300, False),  # not finished
        (True, 1_000, 0, 0, False),  # an empty test
    ],
)
def test_too_fast(all_correct, duration_ms, question_count, text_chars, flagged):
    assert (
        anomalies.too_fast(
            all_correct=all_correct,
            duration_ms=duration_ms,
            question_count=question_count,
            text_chars=text_chars,
        )
        is flagged
    )


# --- Same answers -------------------------------------------------------------------------------


def answered(attempt_id, registration_id, key, duration_ms, sig="A", n=20, wrong=3):
    return AnsweredAttempt(attempt_id, registration_id, key, sig, n, duration_ms, wrong)


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        (60_000, 63_000, True),  # 3 s apart
        (60_000, 63_001, False),
        (600_000, 606_000, True),  # 1 % of ten minutes
        (600_000, 606_001, False),
    ],
)
def test_durations_near(a, b, near):
    assert anomalies.durations_near(a, b) is near
    assert anomalies.durations_near(b, a) is near


@pytest.mark.parametrize(
    ("attempts", "groups"),
    [
        # Two people, one device, same answers, 1 s apart: one group, same device.
        (
            [answered(1, 10, ADDR + PHONE, 62_000), answered(2, 11, ADDR + PHONE, 63_000)],
            [([1, 2], True)],
        ),
        # Same address, two devices: a group, not the same device.
        (
            [answered(1, 10, ADDR + PHONE, 62_000), answered(2, 11, ADDR + TABLET, 63_000)],
            [([1, 2], False)],
        ),
        # A chain: 60 - 62.5 - 65 s (each within 3 s of the next).
        (
            [
                answered(1, 10, ADDR + PHONE, 60_000),
                answered(2, 11, ADDR + PHONE, 62_500),
                answered(3, 12, ADDR + PHONE, 65_000),
            ],
            [([1, 2, 3], True)],
        ),
        # Durations far apart: people who happen to agree.
        ([answered(1, 10, ADDR + PHONE, 62_000), answered(2, 11, ADDR + PHONE, 95_000)], []),
        # Different answers.
        (
            [answered(1, 10, ADDR + PHONE, 62_000), answered(2, 11, ADDR + PHONE, 62_000, "B")],
            [],
        ),
        # Different addresses.
        ([answered(1, 10, ADDR + PHONE, 62_000), answered(2, 11, ADDR2 + PHONE, 62_000)], []),
        # One person's two attempts: a retake, not two accounts.
        ([answered(1, 10, ADDR + PHONE, 62_000), answered(2, 10, ADDR + PHONE, 62_000)], []),
        # Too few answered questions to mean anything.
        (
            [
                answered(1, 10, ADDR + PHONE, 62_000, n=4),
                answered(2, 11, ADDR + PHONE, 62_000, n=4),
            ],
            [],
        ),
        # Perfect papers: identical right answers are what every strong candidate gives.
        (
            [
                answered(1, 10, ADDR + PHONE, 62_000, wrong=0),
                answered(2, 11, ADDR + PHONE, 62_000, wrong=0),
            ],
            [],
        ),
        # One shared mistake is chance; two are copying.
        (
            [
                answered(1, 10, ADDR + PHONE, 62_000, wrong=1),
                answered(2, 11, ADDR + PHONE, 62_000, wrong=1),
            ],
            [],
        ),
        (
            [
                answered(1, 10, ADDR + PHONE, 62_000, wrong=2),
                answered(2, 11, ADDR + PHONE, 62_000, wrong=2),
            ],
            [([1, 2], True)],
        ),
        # No key (attempts from before keys were recorded).
        ([answered(1, 10, "", 62_000), answered(2, 11, "", 62_000)], []),
    ],
)
def test_same_answer_groups(attempts, groups):
    found = anomalies.same_answer_groups(attempts)
    assert [([a.attempt_id for a in g.attempts], g.same_device) for g in found] == groups


# --- Bursts -------------------------------------------------------------------------------------


def events(*minutes):
    return [(T0 + m * MIN, i) for i, m in enumerate(minutes, start=1)]


@pytest.mark.parametrize(
    ("times", "count", "runs"),
    [
        (events(0, 2, 4, 6, 8), 5, [[1, 2, 3, 4, 5]]),  # 5 within 8 minutes
        (events(0, 3, 6, 9, 11), 5, []),  # 5 take 11 minutes: none
        (events(0, 1, 2, 3, 4, 30, 31), 5, [[1, 2, 3, 4, 5]]),  # the late ones are apart
        # Two bursts an hour apart, each of five: two runs, not one.
        (events(0, 1, 2, 3, 4, 60, 61, 62, 63, 64), 5, [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]),
        # A long stream of one every 2 minutes: every 10 minutes holds 6; one run.
        (events(*range(0, 30, 2)), 5, [list(range(1, 16))]),
        (events(0, 1, 2, 3), 5, []),
        ([], 5, []),
    ],
)
def test_bursts(times, count, runs):
    assert anomalies.bursts(times, count=count, window=anomalies.BURST_WINDOW) == runs


def test_burst_thresholds_are_per_scope():
    twenty = events(*[i * 0.5 for i in range(20)])  # twenty in 9.5 minutes
    assert anomalies.bursts(
        twenty, count=anomalies.BURST_ADDRESS_COUNT, window=anomalies.BURST_WINDOW
    )
    nineteen = twenty[:19]
    assert not anomalies.bursts(
        nineteen, count=anomalies.BURST_ADDRESS_COUNT, window=anomalies.BURST_WINDOW
    )


# --- Consecutive phones -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numbers", "runs"),
    [
        ([(84912345670 + i, 100 + i) for i in range(6)], [[100, 101, 102, 103, 104, 105]]),
        ([(84912345670 + i, 100 + i) for i in range(4)], []),  # four: chance is possible
        # A gap breaks the run: 0-3 and 5-8.
        ([(84912345670 + i, 100 + i) for i in (0, 1, 2, 3, 5, 6, 7, 8)], []),
        # Out of order on the way in, in number order on the way out.
        (
            [
                (84912345675, 5),
                (84912345671, 1),
                (84912345673, 3),
                (84912345672, 2),
                (84912345674, 4),
            ],
            [[1, 2, 3, 4, 5]],
        ),
        ([(84912345670, 1), (84988888888, 2)], []),
    ],
)
def test_phone_runs(numbers, runs):
    assert anomalies.phone_runs(numbers) == runs


# --- Machine-regular intervals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("gaps_seconds", "regular"),
    [
        ([60, 60, 60, 60], True),  # a loop with sleep(60)
        ([60, 61, 59, 60, 60], True),
        ([60, 90, 45, 200], False),  # a person
        ([60, 60, 60], False),  # four attempts: too few
        ([0, 0, 0, 0], False),  # no gaps at all: nothing to measure
        ([100, 100, 100, 112], False),  # cv 5.1 %: just over the threshold
        ([3600, 3600, 3600, 3600], True),  # hourly, to the second: the longest loop counted
        ([3601, 3601, 3601, 3601], False),
        ([86400, 86460, 86340, 86400], False),  # every evening at the same hour: a habit
    ],
)
def test_regularity(gaps_seconds, regular):
    times = [T0]
    for gap in gaps_seconds:
        times.append(times[-1] + gap * SEC)
    found = anomalies.regularity(list(reversed(times)))  # order does not matter
    assert (found is not None) is regular
    if found is not None:
        assert found.attempts == len(times)
        assert found.cv < anomalies.REGULAR_MAX_CV
