"""The prize structure's consistency rule (pure), as a table."""

import pytest

from contests.rules.prize_structure import prize_structure_problems

TABLE = [
    # contest, round's contest, category's contest, excludes, cap → fields refused
    (1, None, None, False, None, []),
    (1, 1, 1, False, 50, []),
    (1, 2, None, False, None, ["round"]),
    (1, None, 2, False, None, ["category"]),
    (1, 1, None, True, None, ["excludes_round_winners"]),
    (1, None, None, True, None, []),
    (1, None, None, False, 0, ["cap_percent"]),
    (1, None, None, False, 1, []),
    (1, None, None, False, 100, []),
    (1, None, None, False, 101, ["cap_percent"]),
    (1, 2, 3, True, 0, ["round", "category", "excludes_round_winners", "cap_percent"]),
]


@pytest.mark.parametrize(("contest", "round_of", "category_of", "excludes", "cap", "fields"), TABLE)
def test_prize_structure_problems(contest, round_of, category_of, excludes, cap, fields):
    problems = prize_structure_problems(
        contest_id=contest,
        round_contest_id=round_of,
        category_contest_id=category_of,
        excludes_round_winners=excludes,
        cap_percent=cap,
    )
    assert [field for field, _message in problems] == fields
    assert all(message for _field, message in problems)


def test_messages_are_vietnamese():
    (problem,) = prize_structure_problems(
        contest_id=1,
        round_contest_id=None,
        category_contest_id=None,
        excludes_round_winners=False,
        cap_percent=150,
    )
    assert problem == ("cap_percent", "Giới hạn số giải phải là số nguyên từ 1 đến 100 (%).")
