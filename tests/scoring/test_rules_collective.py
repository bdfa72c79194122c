"""The collective-prize order (pure): each rule's keys in order, ties, and units a rule does
not rank."""

from fractions import Fraction as F

import pytest

from scoring.rules.collective import (
    RULES,
    Params,
    Standing,
    collective_order,
    composite_score,
    meets_precondition,
)


def s(code, participants, headcount, mean, winners=0):
    rate = F(participants, headcount) if headcount else None
    return Standing(
        unit_code=code, participants=participants, rate=rate, mean=F(mean), winners=winners
    )


UNITS = [
    s("D", 50, 100, 70),  # rate 1/2
    s("A", 50, 200, 80),  # rate 1/4, same participants as D
    s("B", 30, 30, 90),  # rate 1
    s("E", 30, 60, 90),  # rate 1/2, same mean as B
    s("C", 80, None, 60),  # no headcount
    s("F", 50, 100, 70),  # tied with D on every key but the code
]

TABLE = [
    # participants: most participants → highest rate (none: 0) → highest mean → code
    ("participants", ["C", "D", "F", "A", "B", "E"]),
    # rate: units without a headcount are not ranked; rate → participants → mean → code
    ("rate", ["B", "D", "F", "E", "A"]),
    # mean_score: highest mean → most participants → code
    ("mean_score", ["B", "E", "A", "D", "F", "C"]),
    # an unknown rule counts as "participants"
    ("?", ["C", "D", "F", "A", "B", "E"]),
]


@pytest.mark.parametrize(("rule", "codes"), TABLE, ids=[t[0] for t in TABLE])
def test_each_rule_orders_units(rule, codes):
    assert [x.unit_code for x in collective_order(UNITS, rule)] == codes
    assert [x.unit_code for x in collective_order(list(reversed(UNITS)), rule)] == codes


@pytest.mark.parametrize(
    ("rule", "ahead", "behind"),
    [
        ("participants", s("Z", 51, None, 0), s("A", 50, 1, 100)),
        ("participants", s("Z", 50, 99, 0), s("A", 50, 100, 100)),
        ("participants", s("Z", 50, 100, F(701, 10)), s("A", 50, 100, 70)),
        ("rate", s("Z", 1, 1, 0), s("A", 99, 100, 100)),
        ("rate", s("Z", 2, 4, 0), s("A", 1, 2, 100)),
        ("rate", s("Z", 2, 4, 71), s("A", 2, 4, 70)),
        ("mean_score", s("Z", 1, None, 71), s("A", 99, 99, 70)),
        ("mean_score", s("Z", 2, None, 70), s("A", 1, 1, 70)),
        ("mean_score", s("A", 2, 1, 70), s("B", 2, 9, 70)),
    ],
)
def test_each_key_decides_in_order(rule, ahead, behind):
    assert collective_order([behind, ahead], rule) == [ahead, behind]


def test_the_registry_names_the_contest_rules():
    assert list(RULES) == ["participants", "rate", "mean_score", "winner_points", "composite"]


# --- Points per individual winner ---------------------------------------------------------

WINNING = [
    s("A", 50, 100, 70, winners=2),
    s("B", 10, 10, 90, winners=3),
    s("C", 80, 100, 60, winners=2),  # same points as A, more participants
    s("D", 80, 100, 60, winners=2),  # tied with C on every key but the code
    s("E", 500, 500, 99, winners=0),  # no winner: not ranked
]


@pytest.mark.parametrize(
    ("per_winner", "codes"),
    [
        (1, ["B", "C", "D", "A"]),
        (5, ["B", "C", "D", "A"]),
        (0, []),  # no point for anyone: nobody is ranked
    ],
)
def test_winner_points_rank_by_points_then_participants_then_mean(per_winner, codes):
    params = Params(points_per_winner=per_winner)
    ranked = collective_order(WINNING, "winner_points", params)
    assert [x.unit_code for x in ranked] == codes
    assert [x.unit_code for x in collective_order(WINNING[::-1], "winner_points", params)] == codes


def test_winner_points_mean_decides_after_participants():
    ahead, behind = s("Z", 10, None, 81, winners=1), s("A", 10, None, 80, winners=1)
    assert collective_order([behind, ahead], "winner_points") == [ahead, behind]


# --- The weighted composite ---------------------------------------------------------------

# Maxima over these units: participants 100, rate 1 (B), winners 4 (C).
COMPOSITE = [
    s("A", 100, 200, 50, winners=0),  # participants 1, rate 1/2, mean 1/2, winners 0
    s("B", 20, 20, 100, winners=1),  # participants 1/5, rate 1, mean 1, winners 1/4
    s("C", 50, None, 80, winners=4),  # participants 1/2, rate 0 (no headcount), mean 4/5, 1
]
MAXIMA = (100, F(1), 4)

COMPOSITE_TABLE = [
    # (weights participants, rate, mean, winners) → composite of A, B, C; the order
    ((1, 0, 0, 0), (F(1), F(1, 5), F(1, 2)), ["A", "C", "B"]),
    ((0, 1, 0, 0), (F(1, 2), F(1), F(0)), ["B", "A", "C"]),
    ((0, 0, 1, 0), (F(1, 2), F(1), F(4, 5)), ["B", "C", "A"]),
    ((0, 0, 0, 1), (F(0), F(1, 4), F(1)), ["C", "B", "A"]),
    ((2, 1, 1, 0), (F(3), F(12, 5), F(9, 5)), ["A", "B", "C"]),
    ((2, 0, 0, 1), (F(2), F(13, 20), F(2)), ["A", "C", "B"]),  # A, C tied: the code
    ((0, 0, 0, 0), (F(0), F(0), F(0)), ["A", "B", "C"]),  # no weight: all tied, code
    ((1, 1, 1, 1), (F(2), F(49, 20), F(23, 10)), ["B", "C", "A"]),
]


@pytest.mark.parametrize(("weights", "scores", "codes"), COMPOSITE_TABLE)
def test_composite_weights_normalised_components(weights, scores, codes):
    wp, wr, wm, ww = weights
    params = Params(weight_participants=wp, weight_rate=wr, weight_mean=wm, weight_winners=ww)
    assert tuple(composite_score(x, params, MAXIMA) for x in COMPOSITE) == scores
    assert [x.unit_code for x in collective_order(COMPOSITE, "composite", params)] == codes
    assert [x.unit_code for x in collective_order(COMPOSITE[::-1], "composite", params)] == codes


def test_composite_maxima_are_over_the_units_meeting_the_precondition():
    # Without the precondition A's 100 participants are the maximum (B: 1/5); with 100 %
    # required, A (rate 1/2) and C (no headcount) are not ranked and B is the maximum alone.
    params = Params(weight_participants=1, min_rate_percent=100)
    ranked = collective_order(COMPOSITE, "composite", params)
    assert [x.unit_code for x in ranked] == ["B"]
    assert composite_score(ranked[0], params, (20, F(1), 1)) == 1


# --- The precondition: the unit's rate ----------------------------------------------------


@pytest.mark.parametrize(
    ("minimum", "standing", "meets"),
    [
        (None, s("A", 1, None, 0), True),  # no precondition
        (100, s("A", 10, 10, 0), True),
        (100, s("A", 9, 10, 0), False),
        (100, s("A", 11, 10, 0), True),  # above headcount (people joined later)
        (50, s("A", 1, 2, 0), True),
        (50, s("A", 49, 100, 0), False),
        (1, s("A", 1, 100, 0), True),
        (0, s("A", 0, 100, 0), True),
        (100, s("A", 80, None, 0), False),  # no headcount: cannot be measured
    ],
)
def test_precondition_on_the_rate(minimum, standing, meets):
    assert meets_precondition(standing, Params(min_rate_percent=minimum)) is meets


@pytest.mark.parametrize("rule", list(RULES))
def test_every_rule_leaves_out_units_below_the_precondition(rule):
    units = [
        s("A", 10, 10, 50, winners=1),
        s("B", 99, 100, 90, winners=5),
        s("C", 30, None, 90, winners=5),
    ]
    params = Params(min_rate_percent=100, weight_mean=1)
    assert [x.unit_code for x in collective_order(units, rule, params)] == ["A"]
