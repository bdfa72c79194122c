"""Who goes in now at a mass start, and when the others come back: one pure function,
`admission_wait_ms`.

The start gate (`scoring.services.gate.start_admit`) hands out start slots one after the
other, 1/EXAM_START_RATE s apart, from one Redis counter shared by every web process and node.
A person whose slot is more than the tolerance ahead is told to come back *at* that slot, in
milliseconds, not in whole seconds: rounding up to the second sent the people of slots
1.01–2.00 s ahead back at 2.0 s (plus the page's jitter), so the second after a burst's
admitted starts went unused while they waited, and the rest arrived together. Coming back at
the slot keeps the admitted starts contiguous at the gate's rate."""

from __future__ import annotations

import math

# A slot at most this far ahead goes in at once: up to EXAM_START_RATE starts may go
# together within a second, as without the gate.
FRESH_TOLERANCE = 1.0
# A returning ticket is honoured this much before its slot: the page's timer and the network
# bring a person back a little early or late, never by more.
TICKET_TOLERANCE = 0.25
# A ticket admits for this long after its slot came (then its holder queues again).
TICKET_LIFE = 120.0


def admission_wait_ms(*, now: float, slot: float, ticket: bool) -> int | None:
    """For a slot reserved just now (`ticket=False`) or carried back in a ticket
    (`ticket=True`), at `now` (seconds, the site's clock): 0 = in now; n > 0 = come back in
    n ms, exactly when the slot comes; None = a ticket whose slot is long past, which is no
    pass round a new queue (its holder queues again)."""
    ahead = slot - now
    if ticket and ahead < -TICKET_LIFE:
        return None
    if ahead <= (TICKET_TOLERANCE if ticket else FRESH_TOLERANCE) + 1e-9:
        return 0
    # Rounded up to the next millisecond: never back before the slot.
    return math.ceil(ahead * 1000 - 1e-3)


def gate_step(
    *, now: float, next_slot: float, rate: float, admitted: int
) -> tuple[str, float, float]:
    """A fresh start at `now` (seconds), with the gate's next free slot `next_slot`, at `rate`
    starts a second, `admitted` starts having gone in so far in this second (`now`'s whole
    second). Returns (decision, next free slot afterwards, the person's slot):

    - "slot": in now, on the next slot (within FRESH_TOLERANCE): the queue moves on by one;
    - "idle": in now on this second's unused capacity, the queue unchanged: fewer people went
      in this second than its elapsed part allows at the rate — those holding its slots are
      not coming (in a burst they sit behind everyone's first requests in the server's listen
      queue, each answered with a "please wait" page), and without this the gate stayed idle
      for as long as those first requests took (4.7–10.7 s for 2,000 on this machine);
    - "wait": the next slot is the person's; they come back at it."""
    slot = max(next_slot, now) + 1.0 / rate
    if slot - now <= FRESH_TOLERANCE + 1e-9:
        return "slot", slot, slot
    if admitted < rate * (now - math.floor(now)):
        return "idle", next_slot, now
    return "wait", slot, slot
