"""Table and property tests of the assignment rule (essays.rules.assignment)."""

import random
from collections import Counter

import pytest

from essays.rules.assignment import (
    conflicted,
    extra_judge,
    hand_assignment_refusal,
    plan_assignments,
)


@pytest.mark.parametrize(
    ("home", "unit", "conflict"),
    [
        ("0001", "0001", True),  # the judge's own unit
        ("0001", "00010003", True),  # a ward of the judge's district
        ("00010003", "0001", False),  # a ward judge on a district-level entry
        ("0001", "0002", False),
        ("00010003", "00010004", False),  # a neighbouring ward
    ],
)
def test_conflicted(home, unit, conflict):
    assert conflicted(judge_home_path=home, entry_unit_path=unit) is conflict


def _check(plan, entries, judges, per_entry=2):
    home = dict(judges)
    by_entry: dict[int, list[int]] = {}
    for entry_id, judge_id, _turn in plan.pairs:
        by_entry.setdefault(entry_id, []).append(judge_id)
    units = dict(entries)
    for entry_id, chosen in by_entry.items():
        assert len(chosen) == per_entry
        assert len(set(chosen)) == per_entry
        for j in chosen:
            assert not conflicted(judge_home_path=home[j], entry_unit_path=units[entry_id])
    assert set(by_entry) | set(plan.unplaced) == set(units)
    return Counter(j for _e, j, _t in plan.pairs)


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize(("n_entries", "n_judges"), [(1, 2), (7, 3), (100, 7), (1000, 50)])
def test_balanced_without_conflicts(seed, n_entries, n_judges):
    entries = [(i, f"0009{i % 5:04d}") for i in range(n_entries)]
    judges = [(100 + j, "0001") for j in range(n_judges)]
    plan = plan_assignments(entries=entries, judges=judges, seed=seed)
    loads = _check(plan, entries, judges)
    full = [loads.get(j, 0) for j, _p in judges]
    assert max(full) - min(full) <= 1
    assert not plan.unplaced


@pytest.mark.parametrize("seed", range(20))
def test_conflicts_never_assigned_and_loads_stay_close(seed):
    rng = random.Random(seed)
    wards = ["00010001", "00010002", "00020001", "00020002", "0003"]
    entries = [(i, rng.choice(wards)) for i in range(300)]
    # Judges from a ward, a whole district, a department and outside.
    judges = [(1, "00010001"), (2, "0001"), (3, "00020002"), (4, "0004"), (5, "0005"), (6, "0006")]
    plan = plan_assignments(entries=entries, judges=judges, seed=seed)
    loads = _check(plan, entries, judges)
    assert not plan.unplaced
    assert max(loads.values()) - min(loads.values()) <= 1


def test_existing_loads_count():
    plan = plan_assignments(
        entries=[(1, "9"), (2, "9")], judges=[(1, "0"), (2, "0"), (3, "0")], loads={1: 5}, seed=1
    )
    assert Counter(j for _e, j, _t in plan.pairs) == {2: 2, 3: 2}


def test_entry_with_too_few_eligible_judges_is_reported():
    plan = plan_assignments(
        entries=[(1, "0001"), (2, "0002")], judges=[(1, "0001"), (2, "0003")], seed=1
    )
    assert plan.unplaced == [1]
    assert sorted((e, j) for e, j, _t in plan.pairs) == [(2, 1), (2, 2)]


def test_same_seed_same_plan():
    entries = [(i, "0009") for i in range(50)]
    judges = [(j, "0001") for j in range(5)]
    a = plan_assignments(entries=entries, judges=judges, seed=42).pairs
    assert a == plan_assignments(entries=entries, judges=judges, seed=42).pairs


@pytest.mark.parametrize(
    ("taken", "loads", "expected"),
    [
        ({1, 2}, {}, 4),  # 3 is from the entry's district
        ({1, 2}, {4: 3, 5: 1}, 5),
        ({1, 2, 4, 5}, {}, None),
    ],
)
def test_extra_judge(taken, loads, expected):
    judges = [(1, "0"), (2, "0"), (3, "0001"), (4, "0002"), (5, "0003")]
    assert (
        extra_judge(entry_unit_path="00010005", judges=judges, taken=taken, loads=loads) == expected
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, None),
        ({"panel_closed": True}, "panel_closed"),
        ({"judge_in_panel": False}, "not_in_panel"),
        ({"judge_home_path": "0001"}, "conflict"),
        ({"already_assigned": True}, "already"),
    ],
)
def test_hand_assignment_refusal(kwargs, code):
    args = {
        "judge_home_path": "0002",
        "entry_unit_path": "00010001",
        "judge_in_panel": True,
        "already_assigned": False,
        "panel_closed": False,
    } | kwargs
    refusal = hand_assignment_refusal(**args)
    assert (refusal.code if refusal else None) == code
