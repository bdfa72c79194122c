"""When an item statistics run may continue from the previous one (pure, no database).

The counts behind every item figure are sums over attempts (learning.services.item_stats), so
a run can add the attempts graded since the previous run's `graded_until` to that run's counts
instead of reading all of them again. That is exact only if the attempts the previous run
counted are still exactly the graded attempts up to `graded_until`, and were counted with the
same key and topics:
- a regrade (an answer-key fix) moves an attempt's graded_at past the mark: it would be counted
  twice; it also leaves the attempts up to the mark, so their count and Σ id change;
- an attempt whose grading committed after the previous run read, with a graded_at before the
  mark, was never counted: it joins the attempts up to the mark, so their count and Σ id change;
- a changed key, a question moved to another topic, or a deleted question changes the
  fingerprint of the bank (`bank_fingerprint`).
The checksum is (count, Σ id, Σ correct count) of the graded attempts up to the mark; any
difference means a full recompute."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Checksum:
    count: int
    id_sum: int
    correct_sum: int


def may_continue(
    *,
    has_previous: bool,
    previous_fingerprint: str,
    fingerprint: str,
    counted: Checksum | None,
    now_up_to_mark: Checksum | None,
) -> bool:
    """True when the run may add only the newer attempts to the previous run's counts."""
    if not has_previous or counted is None or now_up_to_mark is None:
        return False
    if not previous_fingerprint or previous_fingerprint != fingerprint:
        return False
    return counted == now_up_to_mark


def bank_fingerprint(questions: list[tuple[int, int, list[int], list[int]]]) -> str:
    """A fingerprint of what the figures read from the bank: each question's id, topic, options
    and correct options (any order in, the same fingerprint out)."""
    canonical = sorted(
        (int(q), int(topic), sorted(int(o) for o in options), sorted(int(o) for o in key))
        for q, topic, options, key in questions
    )
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()
