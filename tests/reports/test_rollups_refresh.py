"""The incremental refresh of the roll-ups: exact after a late grade, a regrade, a
disqualification and a unit moved in the tree, touching only the units it must."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from contests.models import Unit
from reports import selectors
from reports.models import DailyRollup, RollupState, RollupTree, UnitRollup
from reports.services.rollups import (
    REFRESH_LAG,
    _Tree,
    own_rows_fold,
    rollups_recompute,
    rollups_refresh,
)
from scoring.models import Attempt
from scoring.services.disqualification import registration_disqualify
from scoring.services.grading import attempts_grade

from .conftest import VN, make_attempt
from .test_rollups import assert_equal_to_direct

pytestmark = pytest.mark.sqlite


def _rolled_up(contest) -> None:
    """A full recomputation, then the watermark a minute back: what follows is 'since the
    last run'."""
    rollups_recompute(contest=contest)
    RollupState.objects.filter(contest=contest).update(
        graded_watermark=timezone.now() - datetime.timedelta(minutes=1)
    )


def _row_ids(contest, unit) -> set[int]:
    rows = UnitRollup.objects.filter(contest=contest, unit=unit)
    days = DailyRollup.objects.filter(contest=contest, unit=unit)
    return set(rows.values_list("id", flat=True)) | {-i for i in days.values_list("id", flat=True)}


def test_a_regrade_refreshes_its_unit_and_ancestors_only(small_contest, tree):
    _rolled_up(small_contest)
    untouched = {code: _row_ids(small_contest, tree[code]) for code in ("C-D-1", "B", "B-1")}
    hung = small_contest.registrations.get(participant__full_name="Lê Văn Hùng")  # ward A-1
    regraded = list(Attempt.objects.filter(registration=hung).values_list("id", flat=True))
    Attempt.objects.filter(id__in=regraded).update(answers={})
    assert attempts_grade(attempt_ids=regraded, regrade=True) == 2
    result = rollups_refresh(contest=small_contest)
    # A-1's own rows and the subtree rows of A-1, A, C-Q and C: nothing else is rewritten.
    assert result == {"mode": "refresh", "units": 1, "affected": 4, "tree_changed": False}
    assert {code: _row_ids(small_contest, tree[code]) for code in untouched} == untouched
    assert_equal_to_direct(small_contest)
    assert selectors.totals(contest=small_contest, unit=tree["C"])["perfect_attempts"] == 2


def test_a_late_grade_inside_the_lag_is_counted(small_contest, tree):
    """A grading transaction that committed after the last refresh although its graded_at is
    older than that refresh's watermark (within REFRESH_LAG) is not missed."""
    _rolled_up(small_contest)
    watermark = RollupState.objects.get(contest=small_contest).graded_watermark
    mai = small_contest.registrations.get(participant__full_name="Vũ Thị Mai")  # never submitted
    attempt = make_attempt(mai, 1, 10, finished=datetime.datetime(2023, 9, 5, 8, tzinfo=VN))
    late = watermark - REFRESH_LAG + datetime.timedelta(seconds=30)
    Attempt.objects.filter(pk=attempt.pk).update(graded_at=late)
    assert rollups_refresh(contest=small_contest)["units"] == 1
    assert_equal_to_direct(small_contest)
    city = selectors.totals(contest=small_contest, unit=tree["C"])
    assert (city["participants"], city["attempts"], city["perfect_attempts"]) == (6, 10, 4)


def test_a_disqualified_persons_new_attempt_is_still_counted(small_contest, organisers, tree):
    _rolled_up(small_contest)
    hoa = small_contest.registrations.get(participant__full_name="Ngô Thị Hoa")  # ward A-2
    registration_disqualify(registration=hoa, reason_code="cheating", user=organisers["root"])
    submitted = Attempt.objects.get(registration=hoa, status="submitted")
    assert attempts_grade(attempt_ids=[submitted.pk]) == 1
    assert rollups_refresh(contest=small_contest)["mode"] == "refresh"
    assert_equal_to_direct(small_contest)
    assert selectors.totals(contest=small_contest, unit=tree["A-2"])["attempts"] == 2


def test_a_unit_moved_in_the_tree_re_sums_every_subtree(small_contest, tree):
    """Ward A-2 (Ngô Thị Hoa) moves from district A to district B: nothing was graded, but
    the tree's fingerprint changed, so the refresh re-sums the subtree rows over the new
    tree (and rewrites the tree pairs); the figures equal a direct count on the new tree."""
    _rolled_up(small_contest)
    assert selectors.totals(contest=small_contest, unit=tree["B"])["participants"] == 1
    Unit.objects.move(tree["A-2"], tree["B"], pos="sorted-child")
    result = rollups_refresh(contest=small_contest)
    assert (result["units"], result["tree_changed"]) == (0, True)
    assert_equal_to_direct(small_contest)
    assert (
        selectors.totals(contest=small_contest, unit=Unit.objects.get(code="A"))["participants"]
        == 2
    )
    assert (
        selectors.totals(contest=small_contest, unit=Unit.objects.get(code="B"))["participants"]
        == 2
    )
    moved = Unit.objects.get(code="A-2")
    assert set(
        RollupTree.objects.filter(contest=small_contest, descendant=moved.pk).values_list(
            "ancestor", flat=True
        )
    ) == {tree["C"].pk, tree["C-Q"].pk, tree["B"].pk, moved.pk}
    # The next refresh sees the same tree: nothing to do.
    assert rollups_refresh(contest=small_contest)["tree_changed"] is False


@pytest.mark.parametrize(
    ("paths", "same"),
    [
        ({1: "0001", 2: "00010001"}, True),  # the same tree, another dict order below
        ({1: "0001", 2: "00010002"}, False),  # unit 2 moved
        ({1: "0001", 2: "00010001", 3: "00010002"}, False),  # unit 3 added
        ({1: "0001"}, False),  # unit 2 removed
        ({2: "00010001", 1: "0001"}, True),
    ],
)
def test_tree_fingerprint(paths, same):
    def fingerprint(path_of):
        return _Tree(
            path_of=path_of, id_of={p: i for i, p in path_of.items()}, root_path="0001"
        ).fingerprint()

    assert (fingerprint(paths) == fingerprint({1: "0001", 2: "00010001"})) is same


D1, D2 = datetime.date(2023, 9, 1), datetime.date(2023, 9, 2)
NOBODY = (None,) * 9
# (unit, block, age group, category, result id, round, best correct, attempts, perfect,
# best score, days, attempts per day, perfect attempts per day)
NO_RESULT = (1, 10, "18+", None, *NOBODY)
CONTEST_ROW = (1, 10, "18+", None, 5, None, 9, 3, 1, "90.00", [D1, D2], [2, 1], [1, 0])
ROUND_ROW = (1, 10, "18+", None, 6, 7, 8, 1, 0, "80.00", [D2], [1], [0])


@pytest.mark.parametrize(
    ("people", "units", "scores", "days"),
    [
        ([NO_RESULT], {(0, 1, 10, "18+", None): [1, 0, 0, 0, 0]}, {}, {}),
        (
            [NO_RESULT, CONTEST_ROW],
            {(0, 1, 10, "18+", None): [2, 1, 3, 1, 90]},
            {(0, 1, 9): 1},
            {(0, 1, D1): [1, 1, 2, 1], (0, 1, D2): [1, 0, 1, 0]},
        ),
        (
            # A round's row: a participant of the round, never a second registrant.
            [CONTEST_ROW, ROUND_ROW],
            {(0, 1, 10, "18+", None): [1, 1, 3, 1, 90], (7, 1, 10, "18+", None): [0, 1, 1, 0, 80]},
            {(0, 1, 9): 1, (7, 1, 8): 1},
            {(0, 1, D1): [1, 1, 2, 1], (0, 1, D2): [1, 0, 1, 0], (7, 1, D2): [1, 1, 1, 0]},
        ),
    ],
)
def test_own_rows_fold(people, units, scores, days):
    unit_rows = defaultdict(lambda: [0, 0, 0, 0, Decimal(0)])
    score_rows, daily_rows = defaultdict(int), defaultdict(lambda: [0, 0, 0, 0])
    own_rows_fold(people, unit_rows, score_rows, daily_rows)
    assert dict(unit_rows) == units
    assert (dict(score_rows), dict(daily_rows)) == (scores, days)
