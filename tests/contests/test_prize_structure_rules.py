"""The prize structure's consistency rule (pure), as a table."""

import pytest

from contests.rules.prize_structure import (
    TierRow,
    collective_tier_problem,
    prize_structure_problems,
    tier_rows_parse,
)

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
        collective_unit_kind="",
        tier_kinds={"individual"},
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
        collective_unit_kind="",
        tier_kinds=None,
    )
    assert problem == ("cap_percent", "Giới hạn số giải phải là số nguyên từ 1 đến 100 (%).")


COLLECTIVE = [
    # unit kind, tier kinds → refused
    ("", set(), False),
    ("", {"individual"}, False),
    ("", {"collective"}, True),
    ("", {"individual", "collective"}, True),
    ("ward", {"individual", "collective"}, False),
    ("district", {"collective"}, False),
    ("ward", set(), False),  # a kind without collective tiers awards nothing, harmlessly
]


@pytest.mark.parametrize(("unit_kind", "tier_kinds", "refused"), COLLECTIVE)
def test_collective_tier_needs_a_unit_kind(unit_kind, tier_kinds, refused):
    message = collective_tier_problem(collective_unit_kind=unit_kind, tier_kinds=tier_kinds)
    assert (message is not None) == refused
    problems = prize_structure_problems(
        contest_id=1,
        round_contest_id=None,
        category_contest_id=None,
        excludes_round_winners=False,
        cap_percent=None,
        collective_unit_kind=unit_kind,
        tier_kinds=tier_kinds,
    )
    assert problems == ([("collective_unit_kind", message)] if refused else [])


def test_tiers_checked_elsewhere_are_not_asked_about():
    problems = prize_structure_problems(
        contest_id=1,
        round_contest_id=None,
        category_contest_id=None,
        excludes_round_winners=False,
        cap_percent=None,
        collective_unit_kind="",
        tier_kinds=None,
    )
    assert problems == []


KINDS = {"individual": "Cá nhân", "collective": "Tập thể"}


def row(kind="individual", rank="1", name="Nhất", count="2", amount="3000000"):
    return {"kind": kind, "rank_order": rank, "name": name, "count": count, "amount": amount}


TIER_ROWS = [
    # rows → tiers (kind, rank, name, count, amount) or problems
    ([row()], [("individual", 1, "Nhất", 2, 3_000_000)]),
    ([row(amount="3.000.000")], [("individual", 1, "Nhất", 2, 3_000_000)]),
    ([row(amount="3,000,000")], [("individual", 1, "Nhất", 2, 3_000_000)]),
    ([row(amount="3 000 000")], [("individual", 1, "Nhất", 2, 3_000_000)]),
    ([row(amount="0")], [("individual", 1, "Nhất", 2, 0)]),
    ([row(name="  Nhì ", rank=" 2 ")], [("individual", 2, "Nhì", 2, 3_000_000)]),
    # blank rows (whatever their kind) are skipped
    (
        [row(rank="", name="", count="", amount=""), row(kind="collective")],
        [("collective", 1, "Nhất", 2, 3_000_000)],
    ),
    ([], []),
    # an empty rank follows the highest one so far of its kind
    (
        [row(rank="2"), row(rank="", name="Ba"), row(kind="collective", rank="")],
        [
            ("individual", 2, "Nhất", 2, 3_000_000),
            ("individual", 3, "Ba", 2, 3_000_000),
            ("collective", 1, "Nhất", 2, 3_000_000),
        ],
    ),
    (
        [row(), row(kind="collective")],
        [
            ("individual", 1, "Nhất", 2, 3_000_000),
            ("collective", 1, "Nhất", 2, 3_000_000),
        ],
    ),
    ([row(kind="")], ["Giải dòng 1: chọn loại giải (cá nhân hoặc tập thể)."]),
    ([row(rank="0")], ["Giải dòng 1: thứ hạng phải là số nguyên từ 1 (giải Nhất) trở lên."]),
    ([row(rank="32768")], ["Giải dòng 1: thứ hạng phải là số nguyên từ 1 (giải Nhất) trở lên."]),
    ([row(rank="١")], ["Giải dòng 1: thứ hạng phải là số nguyên từ 1 (giải Nhất) trở lên."]),
    ([row(name="")], ["Giải dòng 1: thiếu tên giải (ví dụ: Nhất, Nhì, Ba, Khuyến khích)."]),
    ([row(name="x" * 101)], ["Giải dòng 1: tên giải dài quá 100 ký tự."]),
    ([row(count="0")], ["Giải dòng 1: số giải phải là số nguyên từ 1 trở lên."]),
    ([row(count="-1")], ["Giải dòng 1: số giải phải là số nguyên từ 1 trở lên."]),
    ([row(count="1.5")], ["Giải dòng 1: số giải phải là số nguyên từ 1 trở lên."]),
    ([row(count="2147483648")], ["Giải dòng 1: số giải phải là số nguyên từ 1 trở lên."]),
    (
        [row(amount="3.000.00")],
        ["Giải dòng 1: trị giá mỗi giải phải là số tiền (đồng), ví dụ 3.000.000."],
    ),
    (
        [row(amount="99999999999999999999")],
        ["Giải dòng 1: trị giá mỗi giải phải là số tiền (đồng), ví dụ 3.000.000."],
    ),
    (
        [row(), row(name="Nhì")],
        ["Giải dòng 2: thứ hạng 1 của giải cá nhân trùng với dòng 1."],
    ),
    # every problem of every row at once, and no tier when there is any
    (
        [row(count="0"), row(rank="", name="", count="", amount="x")],
        [
            "Giải dòng 1: số giải phải là số nguyên từ 1 trở lên.",
            "Giải dòng 2: thiếu tên giải (ví dụ: Nhất, Nhì, Ba, Khuyến khích).",
            "Giải dòng 2: số giải phải là số nguyên từ 1 trở lên.",
            "Giải dòng 2: trị giá mỗi giải phải là số tiền (đồng), ví dụ 3.000.000.",
        ],
    ),
]


@pytest.mark.parametrize(("rows", "expected"), TIER_ROWS)
def test_tier_rows_parse(rows, expected):
    tiers, problems = tier_rows_parse(rows, kinds=KINDS)
    if expected and isinstance(expected[0], str):
        assert (tiers, problems) == ([], expected)
    else:
        assert problems == []
        assert tiers == [TierRow(*t) for t in expected]
