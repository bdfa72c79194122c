"""The draw plan (pure): blueprint items + pool + seeded random source → question ids, or the
"bank" refusal naming the short topic."""

import random

import pytest

from contests.refusals import Refusal
from contests.rules.draw import DrawItem, draw, draw_order

E, M, H = "easy", "medium", "hard"
POOL = {
    1: [(11, E), (12, E), (13, H)],
    2: [(21, M), (22, M), (23, M), (24, E)],
}


def ids(items, *, seed=7, seen=frozenset(), pool=POOL):
    return draw(items=items, pool=pool, rng=random.Random(seed), seen=seen)


TABLE = [
    # (case, items, seen, the questions each item may take, in blueprint order)
    ("one topic, any difficulty", [DrawItem(1, None, 3)], set(), [{11, 12, 13}] * 3),
    ("a difficulty", [DrawItem(2, M, 2)], set(), [{21, 22, 23}] * 2),
    (
        "an any item listed first keeps off what the hard item needs",
        [DrawItem(1, None, 1), DrawItem(1, H, 1)],
        {11, 12},
        [{11, 12}, {13}],
    ),
    ("unseen questions first", [DrawItem(2, None, 2)], {21, 22}, [{23, 24}] * 2),
    (
        "seen questions only when the unseen run out",
        [DrawItem(1, E, 2)],
        {11},
        [{11, 12}] * 2,
    ),
    ("two topics", [DrawItem(2, E, 1), DrawItem(1, H, 1)], set(), [{24}, {13}]),
    ("no item", [], set(), []),
]


@pytest.mark.parametrize(("case", "items", "seen", "allowed"), TABLE, ids=[t[0] for t in TABLE])
def test_the_draw_follows_the_blueprint(case, items, seen, allowed):
    for seed in range(30):
        drawn = ids(items, seed=seed, seen=frozenset(seen))
        assert len(drawn) == len(set(drawn)) == len(allowed)
        assert all(q in ok for q, ok in zip(drawn, allowed, strict=True))


def test_a_seeded_draw_repeats_exactly():
    items = [DrawItem(2, None, 3), DrawItem(1, E, 1)]
    assert ids(items, seed=3) == ids(items, seed=3)
    assert sorted({tuple(ids(items, seed=s)) for s in range(20)}) != [tuple(ids(items, seed=3))]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (
            [DrawItem(1, H, 2, "Căn cước điện tử")],
            "Ngân hàng không đủ câu hỏi cho chủ đề “Căn cước điện tử”.",
        ),
        (
            [DrawItem(2, M, 3, "Thi hành án"), DrawItem(2, None, 2, "Thi hành án dân sự")],
            "Ngân hàng không đủ câu hỏi cho chủ đề “Thi hành án dân sự”.",
        ),
        ([DrawItem(9, None, 1)], "Ngân hàng không đủ câu hỏi cho chủ đề “9”."),
    ],
)
def test_a_short_bank_is_refused(items, message):
    assert ids(items) == Refusal("bank", message)


def test_specific_difficulties_are_drawn_first():
    items = [DrawItem(1, None, 1), DrawItem(1, H, 1), DrawItem(2, None, 1), DrawItem(2, E, 1)]
    assert draw_order(items) == [1, 3, 0, 2]
