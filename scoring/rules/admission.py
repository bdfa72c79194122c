"""Who goes in now at a mass start, and when the others come back: one pure function,
`admission_wait_ms`.

The start gate (`scoring.services.attempts.start_admit`) hands out start slots one after the
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
    return math.ceil(ahead * 1000 - 1e-6)
