"""The draw plan: which questions a test takes from the bank, as the blueprint says. Pure: the
blueprint items, the pool of drawable questions and a random source in, question ids (or a
refusal) out. The admin's preview (`contests.selectors.contest_test_preview`) and the real
draw at start (`scoring.services.attempts`) both call `draw`.

Items asking for a specific difficulty are drawn before the "any difficulty" items, so that an
"any" item never takes a question a specific item of the same topic needs: with that order the
draw succeeds whenever `contests.services.contests.blueprint_problems` finds the bank
sufficient (per topic and difficulty, then per topic in total). Within an item, questions the
person has not seen come first; the test lists the items' questions in blueprint order."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

from contests.refusals import Refusal


@dataclass(frozen=True)
class DrawItem:
    topic_id: int
    difficulty: str | None  # None: any difficulty
    count: int
    topic_name: str = ""


# {topic id: [(question id, difficulty), ...]}: the drawable questions.
Pool = dict[int, list[tuple[int, str]]]


def draw_order(items: list[DrawItem]) -> list[int]:
    """Indexes of `items` in the order they are drawn: specific difficulties first."""
    return sorted(range(len(items)), key=lambda i: items[i].difficulty is None)


def draw(
    *, items: list[DrawItem], pool: Pool, rng: random.Random, seen: frozenset[int] = frozenset()
) -> list[int] | Refusal:
    """Question ids for one test, no repeats, in blueprint order; a Refusal("bank") naming the
    first topic whose bank is short."""
    picks: list[list[int]] = [[] for _item in items]
    taken: set[int] = set()
    for index in draw_order(items):
        item = items[index]
        candidates = [
            q
            for q, d in pool.get(item.topic_id, [])
            if (item.difficulty is None or d == item.difficulty) and q not in taken
        ]
        if len(candidates) < item.count:
            return Refusal(
                "bank",
                _("Ngân hàng không đủ câu hỏi cho chủ đề “%(topic)s”.")
                % {"topic": item.topic_name or item.topic_id},
            )
        fresh = [q for q in candidates if q not in seen]
        if len(fresh) >= item.count:
            picked = rng.sample(fresh, item.count)
        else:
            stale = [q for q in candidates if q in seen]
            picked = fresh + rng.sample(stale, item.count - len(fresh))
            rng.shuffle(picked)
        picks[index] = picked
        taken.update(picked)
    return [q for picked in picks for q in picked]
