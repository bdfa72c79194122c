"""The two rules `make chaos` judges by (benchmarks/chaos.py): an acknowledged answer the row
does not hold is lost; a request counts as in the outage when it was in the server during it."""

import pytest

from benchmarks.chaos import answers_lost, in_outage


@pytest.mark.parametrize(
    ("acked", "saved", "lost"),
    [
        (set(), {}, 0),  # nothing acknowledged: nothing can be lost
        ({"1", "2"}, {"1": 11, "2": 21}, 0),
        ({"1", "2"}, {"1": 11}, 1),  # an acknowledged answer missing
        ({"1", "2"}, {"1": 11, "2": 22}, 1),  # overwritten by another option
        ({"1"}, {"1": 11, "2": 99}, 0),  # an unacknowledged answer may be anything
        ({"1", "2"}, {"1": "11", "2": "21"}, 0),  # stored as strings: same options
    ],
)
def test_answers_lost(acked, saved, lost):
    assert answers_lost(acked=acked, chosen={"1": 11, "2": 21}, saved=saved) == lost


@pytest.mark.parametrize(
    ("sent", "answered", "expected"),
    [
        (1.0, 4.0, False),  # answered before the fault began
        (1.0, 5.0, True),  # sent before, answered the moment it began
        (4.0, 12.0, True),  # sent before, answered during (queued behind slower ones)
        (6.0, 7.0, True),  # inside
        (9.0, 30.0, True),  # sent during, answered after
        (10.0, 11.0, True),  # sent the moment it ended
        (10.5, 11.0, False),  # sent after it ended
    ],
)
def test_in_outage(sent, answered, expected):
    assert in_outage(sent, answered, 5.0, 10.0) is expected


def test_no_outage_without_a_fault():
    assert in_outage(1.0, 2.0, None, None) is False
    assert in_outage(1.0, 2.0, 0.5, None) is False
