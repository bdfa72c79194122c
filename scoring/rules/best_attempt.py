"""Which of a person's graded attempts counts: the most correct answers, then the shortest
duration, then the earliest finish, then the lowest attempt id (a total order, so grading
twice picks the same attempt). Pure; the grading service calls it once per attempt row."""

from __future__ import annotations

import datetime


def sort_key(
    *, attempt_id: int, correct_count: int, duration_ms: int, finished_at: datetime.datetime
) -> tuple:
    """Smaller is better."""
    return (-correct_count, duration_ms, finished_at, attempt_id)
