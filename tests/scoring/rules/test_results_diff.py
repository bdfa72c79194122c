"""What changed between two prize lists: the pure rule, one row per case."""

import pytest

from scoring.rules.results_diff import prize_changes


def row(who, tier, rank, *, structure=1, unit="A-1", name=None, collective=False):
    return {
        "structure": f"Cơ cấu {structure}",
        "structure_id": structure,
        "tier": tier,
        "rank_order": rank,
        "winner_name": "" if collective else (name or f"Người {who}"),
        "registration_id": None if collective else who,
        "unit_code": unit,
        "unit_name": f"Đơn vị {unit}",
    }


def change(kind, who, before, after, *, structure=1, unit="A-1", name=None):
    return {
        "change": kind,
        "structure": f"Cơ cấu {structure}",
        "winner_name": name or f"Người {who}",
        "registration_id": who,
        "unit_name": f"Đơn vị {unit}",
        "before": before,
        "after": after,
    }


NHAT, NHI, BA = ("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Ba", 3)

CASES = [
    # (before, after, expected changes)
    ([], [], []),
    ([row(1, *NHAT)], [row(1, *NHAT)], []),
    ([], [row(1, *NHAT)], [change("entered", 1, "", "Giải Nhất")]),
    ([row(1, *NHAT)], [], [change("left", 1, "Giải Nhất", "")]),
    ([row(1, *NHI)], [row(1, *NHAT)], [change("moved", 1, "Giải Nhì", "Giải Nhất")]),
    # The usual correction: the first-prize winner disqualified, everyone moves up one.
    (
        [row(1, *NHAT), row(2, *NHI), row(3, *NHI)],
        [row(2, *NHAT), row(3, *NHI), row(4, *NHI)],
        [
            change("left", 1, "Giải Nhất", ""),
            change("moved", 2, "Giải Nhì", "Giải Nhất"),
            change("entered", 4, "", "Giải Nhì"),
        ],
    ),
    # Two winners swap tiers: both moved, in the order of the old list.
    (
        [row(1, *NHAT), row(2, *NHI)],
        [row(2, *NHAT), row(1, *NHI)],
        [change("moved", 1, "Giải Nhất", "Giải Nhì"), change("moved", 2, "Giải Nhì", "Giải Nhất")],
    ),
    # Another position inside the same tier is no change.
    ([row(1, *BA), row(2, *BA)], [row(2, *BA), row(1, *BA)], []),
    # The same person in two structures: each structure compared on its own.
    (
        [row(1, *NHAT, structure=1), row(1, *NHI, structure=2)],
        [row(1, *NHAT, structure=1)],
        [change("left", 1, "Giải Nhì", "", structure=2)],
    ),
    # The name shown is the new list's (consent given since: the masked name becomes the name).
    (
        [row(1, *NHI, name="Người dự thi #1")],
        [row(1, *NHAT, name="Trần Thị Ánh")],
        [change("moved", 1, "Giải Nhì", "Giải Nhất", name="Trần Thị Ánh")],
    ),
]


@pytest.mark.parametrize(("before", "after", "expected"), CASES)
def test_prize_changes(before, after, expected):
    assert prize_changes(before, after) == expected


def test_collective_winners_are_units():
    before = [
        row(None, *NHAT, unit="A", collective=True),
        row(None, *NHI, unit="B", collective=True),
    ]
    after = [
        row(None, *NHAT, unit="B", collective=True),
        row(None, *NHI, unit="C", collective=True),
    ]
    assert prize_changes(before, after) == [
        {
            "change": "left",
            "structure": "Cơ cấu 1",
            "winner_name": "Đơn vị A",
            "registration_id": None,
            "unit_name": "Đơn vị A",
            "before": "Giải Nhất",
            "after": "",
        },
        {
            "change": "moved",
            "structure": "Cơ cấu 1",
            "winner_name": "Đơn vị B",
            "registration_id": None,
            "unit_name": "Đơn vị B",
            "before": "Giải Nhì",
            "after": "Giải Nhất",
        },
        {
            "change": "entered",
            "structure": "Cơ cấu 1",
            "winner_name": "Đơn vị C",
            "registration_id": None,
            "unit_name": "Đơn vị C",
            "before": "",
            "after": "Giải Nhì",
        },
    ]
