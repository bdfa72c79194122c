"""When a run may continue from the previous one: the pure rule, case by case."""

from __future__ import annotations

import pytest

from learning.rules.item_stats_incremental import Checksum, bank_fingerprint, may_continue

SAME = Checksum(40, 820, 400)


@pytest.mark.parametrize(
    ("has_previous", "previous_fp", "fp", "counted", "now", "expected"),
    [
        (True, "k1", "k1", SAME, SAME, True),
        (False, "k1", "k1", SAME, SAME, False),  # no finished run yet
        (True, "", "k1", SAME, SAME, False),  # a run from before fingerprints
        (True, "k1", "k2", SAME, SAME, False),  # key or topics changed
        (True, "k1", "k1", SAME, Checksum(39, 800, 390), False),  # one regraded away
        (True, "k1", "k1", SAME, Checksum(41, 861, 410), False),  # one graded late
        (True, "k1", "k1", SAME, Checksum(40, 821, 400), False),  # one left, another came
        (True, "k1", "k1", SAME, Checksum(40, 820, 401), False),  # a correct count changed
        (True, "k1", "k1", None, SAME, False),
        (True, "k1", "k1", SAME, None, False),
    ],
)
def test_may_continue(has_previous, previous_fp, fp, counted, now, expected):
    assert (
        may_continue(
            has_previous=has_previous,
            previous_fingerprint=previous_fp,
            fingerprint=fp,
            counted=counted,
            now_up_to_mark=now,
        )
        is expected
    )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            [(1, 10, [1, 2], [1]), (2, 10, [3, 4], [4])],
            [(2, 10, [4, 3], [4]), (1, 10, [2, 1], [1])],
            True,
        ),
        ([(1, 10, [1, 2], [1])], [(1, 10, [1, 2], [2])], False),  # key fixed
        ([(1, 10, [1, 2], [1])], [(1, 11, [1, 2], [1])], False),  # moved to another topic
        ([(1, 10, [1, 2], [1]), (2, 10, [3, 4], [4])], [(1, 10, [1, 2], [1])], False),  # deleted
        ([(1, 10, [1, 2], [1])], [(1, 10, [1, 2, 5], [1])], False),  # option added
    ],
)
def test_bank_fingerprint(a, b, same):
    assert (bank_fingerprint(a) == bank_fingerprint(b)) is same
