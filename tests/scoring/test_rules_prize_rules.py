"""The prize rules (pure): the cap as a share of entrants and who a structure skips."""

import pytest

from scoring.rules.prediction_question import prediction_question
from scoring.rules.prize_rules import Taken, barred, cap_count


@pytest.mark.parametrize(
    ("cap", "entrants", "most"),
    [
        (None, 10, None),
        (50, 7, 3),  # ⌊3.5⌋
        (50, 8, 4),
        (50, 1, 0),
        (100, 7, 7),
        (1, 99, 0),
        (1, 100, 1),
        (33, 10, 3),
        (50, 0, 0),
    ],
)
def test_cap_is_a_floor_of_the_share(cap, entrants, most):
    assert cap_count(cap, entrants) == most


TAKEN = Taken(contest_level={1}, in_allocation={1, 2}, other_rounds={3})

BARRED = [
    # unit level, one per, excludes round winners, overall, unit prize allowed → skipped
    (False, "round", False, False, False, {1}),
    (False, "round", False, False, True, {1}),
    (True, "round", False, False, False, {1}),
    (True, "round", False, False, True, set()),
    (False, "contest", False, False, False, {1, 2, 3}),
    (True, "contest", False, False, True, {1, 2, 3}),
    (False, "round", True, True, False, {1, 3}),
    (False, "round", True, False, False, {1}),  # a round structure: the flag does nothing
    (True, "round", True, True, True, {3}),
    (False, "contest", True, True, False, {1, 2, 3}),
]


@pytest.mark.parametrize(("unit", "per", "excludes", "overall", "allowed", "skip"), BARRED)
def test_who_a_structure_skips(unit, per, excludes, overall, allowed, skip):
    assert (
        barred(
            unit_level=unit,
            one_prize_per=per,
            excludes_round_winners=excludes,
            overall=overall,
            winner_may_take_unit_prize=allowed,
            taken=TAKEN,
        )
        == skip
    )


class _Q:
    def __init__(self, text, target):
        self.prediction_text, self.prediction_target = text, target


@pytest.mark.parametrize(
    ("contest", "round_", "asked", "target"),
    [
        (_Q("", "participants"), None, False, "participants"),
        (_Q("Bao nhiêu?", "participants"), None, True, "participants"),
        (_Q("Bao nhiêu?", "participants"), _Q("", "attempts"), True, "participants"),
        (_Q("", "participants"), _Q("Tuần này?", "attempts"), True, "attempts"),
        (_Q("Bao nhiêu?", "participants"), _Q("Tuần này?", "attempts"), True, "attempts"),
        (_Q("", "participants"), _Q("", "attempts"), False, "participants"),
    ],
)
def test_which_prediction_question_a_ranking_uses(contest, round_, asked, target):
    question = prediction_question(contest, round_)
    assert (question.asked, question.target) == (asked, target)
