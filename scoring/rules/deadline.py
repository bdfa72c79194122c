"""When an attempt must be submitted: one pure function, `attempt_deadline`.

`scoring.services.attempts.attempt_start` stores what it returns as the attempt's deadline
(time is the server's: the browser only gets the seconds left). An organiser's time allowance
(`Registration.extra_minutes`, granted with an audit row, participants.services) lengthens the
person's time limit, as Moodle's user overrides do; it never keeps the test open past the
contest's or the round's close, which is the same moment for everyone."""

from __future__ import annotations

import datetime


def attempt_deadline(
    *,
    started_at: datetime.datetime,
    time_limit_minutes: int,
    extra_minutes: int,
    contest_closes_at: datetime.datetime,
    round_closes_at: datetime.datetime | None = None,
) -> datetime.datetime:
    """min(start + time limit + extra time, contest close, round close)."""
    limit = datetime.timedelta(minutes=time_limit_minutes + max(extra_minutes, 0))
    deadline = min(started_at + limit, contest_closes_at)
    if round_closes_at is not None:
        deadline = min(deadline, round_closes_at)
    return deadline
