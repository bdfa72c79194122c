"""Who comes first among essay entries. Pure; the forwarding service and the prize ranking
(essays.selectors.essay_ranking) sort by these keys, smaller first.

- Forwarding a district's best: the higher preliminary mark, then the earlier submission,
  then the lower entry id (a total order: forwarding twice picks the same entries).
- The city's ranking for prizes: the higher score (the final mark, or the combined score),
  then the higher final mark, then the earlier submission, then the lower entry id.
- The combined score puts both parts on 100: the final mark as a percentage of the rubric's
  highest total, the multiple-choice score (already out of 100) by `mc_weight` percent, the
  essay by the rest; a person with no multiple-choice result counts 0 there."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def forward_key(*, mark: Decimal, submitted_at: datetime.datetime, entry_id: int) -> tuple:
    return (-mark, submitted_at, entry_id)


def combined_score(
    *, final_mark: Decimal, max_total: Decimal, mc_score: Decimal | None, mc_weight: int
) -> Decimal:
    essay = HUNDRED * final_mark / max_total if max_total else Decimal(0)
    mc = mc_score if mc_score is not None else Decimal(0)
    weight = Decimal(mc_weight)
    return ((essay * (HUNDRED - weight) + mc * weight) / HUNDRED).quantize(CENT, ROUND_HALF_UP)


def prize_key(
    *, score: Decimal, final_mark: Decimal, submitted_at: datetime.datetime, entry_id: int
) -> tuple:
    return (-score, -final_mark, submitted_at, entry_id)
