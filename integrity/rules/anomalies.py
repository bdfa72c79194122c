"""What counts as an anomaly worth an organiser's look: one pure function per flag.

None of these decides anything: a flag is a question put to a person (integrity's review
queue), who clears it or disqualifies. The thresholds are therefore set so that a flagged
case is hard to explain innocently, and the reasons are written next to each.

Detection (integrity.services.detection) narrows the rows with SQL and then asks these
functions, so that the database and the rule cannot disagree on what is flagged."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from participants.client_key import address_part

# --- All correct, faster than a person can read ------------------------------------------------

# A fast adult reader takes in Vietnamese prose at about 200-250 words a minute, and a
# Vietnamese syllable-word averages 4-5 characters with its space: 15-20 characters a second.
# 25 a second is skimming speed, so an attempt whose text could not even be skimmed in its
# duration, and which is nevertheless all correct, was answered from a key.
READING_CHARS_PER_SECOND = 25
# Whatever the text, a person needs a moment per question to find the option and tap it on a
# phone; 3 seconds is a quick tap after a glance (the real median is far above it).
FLOOR_SECONDS_PER_QUESTION = 3


def reading_floor_ms(*, question_count: int, text_chars: int) -> int:
    """The least time in which a person could read an attempt's questions and options
    (`text_chars` characters in all) and tap an answer to each of its `question_count`."""
    reading = text_chars * 1000 // READING_CHARS_PER_SECOND
    tapping = question_count * FLOOR_SECONDS_PER_QUESTION * 1000
    return max(reading, tapping)


def too_fast(
    *, all_correct: bool, duration_ms: int | None, question_count: int, text_chars: int
) -> bool:
    """An all-correct attempt finished before its text could be read."""
    if not all_correct or duration_ms is None or question_count <= 0:
        return False
    return duration_ms < reading_floor_ms(question_count=question_count, text_chars=text_chars)


# --- Identical answers and near-identical durations from one address or device ------------------

# Identical answer sets are common among strong candidates when the test is short, so fewer
# than this many answered questions prove nothing.
SAME_ANSWERS_MIN_ANSWERED = 5
# Identical *right* answers prove nothing: every perfect paper of a fixed test is the same,
# and behind one mobile carrier's shared address thousands of honest perfect papers meet
# (benchmarks/README.md: 15,910 false flags in 1.5 M attempts when perfect papers counted).
# What copying leaves is the same *mistakes*, as answer-copying indices use; two shared wrong
# answers with the same durations do not happen by chance. (A perfect paper typed from a key
# is "faster than reading" instead.)
SAME_ANSWERS_MIN_WRONG = 2
# Two people who read and answer on their own differ by many seconds over a whole test; one
# script (or one person entering a second account's answers from a sheet) does not. Near
# means within 3 seconds, or 1 % of the shorter duration for long tests, whichever is wider.
# Not wider: where every perfect paper is the same (a fixed test), honest perfect scorers
# behind one mobile carrier's shared address would meet by chance (benchmarks/README.md).
DURATION_TOLERANCE_MS = 3_000
DURATION_TOLERANCE_SHARE = 0.01


def durations_near(a_ms: int, b_ms: int) -> bool:
    tolerance = max(DURATION_TOLERANCE_MS, DURATION_TOLERANCE_SHARE * min(a_ms, b_ms))
    return abs(a_ms - b_ms) <= tolerance


@dataclass(frozen=True)
class AnsweredAttempt:
    attempt_id: int
    registration_id: int
    client_key: str
    # Any text equal for equal answer sets (same questions, same options) and unequal
    # otherwise; the detection's is a digest of the canonical JSON.
    signature: str
    answered: int
    duration_ms: int
    # Answered but wrong (the same ones in every attempt of a group: same answers).
    wrong: int = 0


@dataclass(frozen=True)
class SameAnswersGroup:
    attempts: tuple[AnsweredAttempt, ...]
    same_device: bool


def same_answer_groups(attempts: Iterable[AnsweredAttempt]) -> list[SameAnswersGroup]:
    """Attempts of two or more people from one address with the same answers, among them the
    same mistakes, and durations near one another (chained: each within the tolerance of the
    next in order of duration). A group is "same device" when every attempt has the same
    whole key."""
    by_answers: dict[tuple[str, str], list[AnsweredAttempt]] = defaultdict(list)
    for attempt in attempts:
        if (
            attempt.client_key
            and attempt.answered >= SAME_ANSWERS_MIN_ANSWERED
            and attempt.wrong >= SAME_ANSWERS_MIN_WRONG
        ):
            key = (address_part(attempt.client_key), attempt.signature)
            by_answers[key].append(attempt)
    groups = []
    for key in sorted(by_answers):
        rows = sorted(by_answers[key], key=lambda a: (a.duration_ms, a.attempt_id))
        chain = [rows[0]]
        for row in rows[1:] + [None]:
            if row is not None and durations_near(chain[-1].duration_ms, row.duration_ms):
                chain.append(row)
                continue
            if len({a.registration_id for a in chain}) >= 2:
                keys = {a.client_key for a in chain}
                groups.append(SameAnswersGroup(attempts=tuple(chain), same_device=len(keys) == 1))
            if row is not None:
                chain = [row]
    return groups


# --- Bursts of registrations from one address or device -----------------------------------------

# Filling in the registration form takes a person two minutes or more. Twenty sign-ups in ten
# minutes from one address is a room of people typing at once (a school's computer lab does
# it, which is why a person looks at the flag) or a script; five from one device in ten
# minutes is one hand registering a list of people.
BURST_ADDRESS_COUNT = 20
BURST_DEVICE_COUNT = 5
BURST_WINDOW = datetime.timedelta(minutes=10)


def bursts(
    events: Sequence[tuple[datetime.datetime, int]], *, count: int, window: datetime.timedelta
) -> list[list[int]]:
    """Maximal runs of (time, id) events in which some `window` holds at least `count` events:
    every event inside such a window, overlapping windows merged. Ids in time order."""
    ordered = sorted(events)
    marked = [False] * len(ordered)
    start = 0
    for end in range(len(ordered)):
        while ordered[end][0] - ordered[start][0] > window:
            start += 1
        if end - start + 1 >= count:
            for i in range(start, end + 1):
                marked[i] = True
    runs: list[list[int]] = []
    previous = -2
    for i, flag in enumerate(marked):
        if not flag:
            continue
        # Consecutive marked events closer than the window belong to one run (two windows
        # that merely follow one another hours apart are two runs).
        joined = i == previous + 1 and ordered[i][0] - ordered[previous][0] <= window
        if joined and runs:
            runs[-1].append(ordered[i][1])
        else:
            runs.append([ordered[i][1]])
        previous = i
    return runs


# --- Consecutive phone numbers ---------------------------------------------------------------

# Phone numbers are handed out at random to people; SIM cards bought in a batch for an
# account farm come in sequence. Five numbers in a row registering on one day is not chance.
PHONE_RUN_MIN = 5


def phone_runs(
    numbers: Iterable[tuple[int, int]], *, minimum: int = PHONE_RUN_MIN
) -> list[list[int]]:
    """Runs of at least `minimum` numbers each one more than the last, from (number, id)
    pairs registered in one contest on one day. Ids in number order."""
    ordered = sorted(set(numbers))
    runs: list[list[int]] = []
    current: list[tuple[int, int]] = []
    for number, row_id in ordered:
        if current and number == current[-1][0]:
            continue  # the same number twice (two contests' rows never meet here)
        if current and number == current[-1][0] + 1:
            current.append((number, row_id))
            continue
        if len(current) >= minimum:
            runs.append([i for _n, i in current])
        current = [(number, row_id)]
    if len(current) >= minimum:
        runs.append([i for _n, i in current])
    return runs


# --- Machine-regular submissions -----------------------------------------------------------------

# A person taking the test again and again leaves gaps that vary by tens of percent (reading,
# a break, a call); a loop with a sleep leaves gaps within a percent or two of each other.
# Five attempts give four gaps, enough for their spread to mean something.
REGULAR_MIN_ATTEMPTS = 5
# Coefficient of variation (standard deviation / mean) of the gaps below which they are
# machine-regular.
REGULAR_MAX_CV = 0.05
# Only a session's rhythm counts: a person who comes back every evening at about the same
# hour (or every Monday, for weekly rounds) has regular gaps too, out of habit. Among random
# people taking five tests over a month, one in a thousand has gaps of days within 5 % of
# each other (benchmarks/README.md); a script loops within minutes.
REGULAR_MAX_MEAN_GAP_SECONDS = 3600


@dataclass(frozen=True)
class Regularity:
    attempts: int
    mean_gap_seconds: float
    cv: float


def regularity(times: Sequence[datetime.datetime]) -> Regularity | None:
    """The gaps' regularity of a series of submission times when it is machine-regular, else
    None."""
    if len(times) < REGULAR_MIN_ATTEMPTS:
        return None
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() for a, b in zip(ordered, ordered[1:], strict=False)]
    mean = statistics.fmean(gaps)
    if mean <= 0 or mean > REGULAR_MAX_MEAN_GAP_SECONDS:
        return None
    cv = statistics.pstdev(gaps) / mean
    if cv >= REGULAR_MAX_CV:
        return None
    return Regularity(attempts=len(ordered), mean_gap_seconds=mean, cv=cv)
