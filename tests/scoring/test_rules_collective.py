"""The collective-prize order (pure): each rule's keys in order, ties, and units a rule does
not rank."""

from fractions import Fraction as F

import pytest

from scoring.rules.collective import RULES, Standing, collective_order


def s(code, participants, headcount, mean):
    rate = F(participants, headcount) if headcount else None
    return Standing(unit_code=code, participants=participants, rate=rate, mean=F(mean))


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
    assert list(RULES) == ["participants", "rate", "mean_score"]
