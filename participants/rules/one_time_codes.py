"""What one check of a one-time code yields: one pure function, `code_check_outcome`.

Order matters and is the rule: a used code is dead whatever is typed; then time; then the
tries (a check is refused once MAX_TRIES checks were made, so a sixth guess is never compared);
only then is the typed code compared."""

from __future__ import annotations

import datetime
import enum

# A code (SMS, 6 digits) or link lives this long; five checks at most.
CODE_LIFETIME = datetime.timedelta(minutes=5)
LINK_LIFETIME = datetime.timedelta(hours=24)
MAX_TRIES = 5


class CodeCheck(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    USED = "used"


def code_check_outcome(
    *,
    now: datetime.datetime,
    expires_at: datetime.datetime,
    tries_before: int,
    used: bool,
    matches: bool,
    max_tries: int = MAX_TRIES,
) -> CodeCheck:
    """The outcome of checking a code whose row says `expires_at`, `tries_before` checks so
    far and `used`; `matches`: the typed code is the right one (and the row names a person).
    A WRONG or OK outcome counts as a try; the others do not."""
    if used:
        return CodeCheck.USED
    if now >= expires_at:
        return CodeCheck.EXPIRED
    if tries_before >= max_tries:
        return CodeCheck.EXHAUSTED
    return CodeCheck.OK if matches else CodeCheck.WRONG


def tries_left(*, tries_after: int, max_tries: int = MAX_TRIES) -> int:
    return max(0, max_tries - tries_after)
