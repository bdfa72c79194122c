import pytest

from scoring.rules.admission import admission_wait_ms, gate_step


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


@pytest.mark.parametrize(
    ("now", "next_slot", "rate", "admitted", "expected"),
    [
        # The queue is empty or close: in on the next slot, the queue moves on.
        (100.0, 0.0, 4.0, 0, ("slot", 100.25, 100.25)),
        (100.0, 100.75, 4.0, 3, ("slot", 101.0, 101.0)),
        # Slots are taken ahead; nobody went in this second yet, 0.6 of it has passed: the
        # holders of its slots are not coming — in now, the queue unchanged.
        (102.6, 104.0, 2.0, 0, ("idle", 104.0, 102.6)),
        (102.6, 104.0, 2.0, 1, ("idle", 104.0, 102.6)),
        # As many went in as the elapsed part of the second allows: wait for the next slot.
        (102.6, 104.0, 2.0, 2, ("wait", 104.5, 104.5)),
        (102.0, 104.0, 2.0, 0, ("wait", 104.5, 104.5)),
        (100.5, 105.0, 200.0, 100, ("wait", 105.005, 105.005)),
        (100.5, 105.0, 200.0, 99, ("idle", 105.0, 100.5)),
    ],
)
def test_gate_step(now, next_slot, rate, admitted, expected):
    decision, new_next, slot = gate_step(now=now, next_slot=next_slot, rate=rate, admitted=admitted)
    assert (decision, round(new_next, 6), round(slot, 6)) == expected
