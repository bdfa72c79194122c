import pytest

from scoring.rules.admission import admission_wait_ms


@pytest.mark.parametrize(
    ("now", "slot", "ticket", "wait_ms"),
    [
        # A fresh slot within the next second: in now.
        (100.0, 100.005, False, 0),
        (100.0, 101.0, False, 0),
        # Beyond it: back exactly at the slot, to the millisecond (not rounded to seconds).
        (100.0, 101.001, False, 1001),
        (100.0, 101.2345, False, 1235),
        (100.0, 112.8, False, 12800),
        # A ticket at or just before its slot: in.
        (101.3, 101.3, True, 0),
        (101.05, 101.3, True, 0),
        (150.0, 101.3, True, 0),
        # A ticket brought back early ("Thử lại ngay"): the rest of the wait, same slot.
        (100.5, 101.3, True, 800),
        (100.0, 105.0005, True, 5001),
        # A ticket long past: queue again.
        (221.31, 101.3, True, None),
        (221.2, 101.3, True, 0),
    ],
)
def test_admission_wait_ms(now, slot, ticket, wait_ms):
    assert admission_wait_ms(now=now, slot=slot, ticket=ticket) == wait_ms
