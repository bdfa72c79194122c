"""Table tests of the marking rules (essays.rules.marks) and the ranking keys
(essays.rules.ranking)."""

import datetime
from decimal import Decimal as D

import pytest

from essays.rules import marks, ranking


@pytest.mark.parametrize(
    ("raw", "max_marks", "code"),
    [
        ("7", 10, None),
        ("7,5", 10, None),
        (" 7.25 ", 10, None),
        ("0", 10, None),
        ("10", 10, None),
        ("10.01", 10, "mark_out_of_range"),
        ("-1", 10, "mark_out_of_range"),
        ("", 10, "mark_missing"),
        (None, 10, "mark_missing"),
        ("bảy", 10, "mark_not_number"),
        ("7.125", 10, "mark_not_number"),
        ("NaN", 10, "mark_not_number"),
        ("Infinity", 10, "mark_not_number"),
        ("1e1", 10, None),
        ("1e2", 10, "mark_out_of_range"),
    ],
)
def test_mark_refusal(raw, max_marks, code):
    refusal = marks.mark_refusal(raw, max_marks=max_marks)
    assert (refusal.code if refusal else None) == code
    if refusal:
        assert refusal.message and refusal.message[0].isupper()


@pytest.mark.parametrize(
    ("pairs", "total"),
    [
        ([], D("0.00")),
        ([(D(7), 1)], D("7.00")),
        ([(D("7.5"), 2), (D(3), 1)], D("18.00")),
        ([(D("0.25"), 3), (D("0.01"), 1)], D("0.76")),
    ],
)
def test_judge_total_is_weighted_sum(pairs, total):
    assert marks.judge_total(pairs) == total


def test_max_total():
    assert marks.max_total([(10, 2), (5, 1)]) == D(25)


@pytest.mark.parametrize(
    ("totals", "gap", "third", "mark"),
    [
        ([], D(10), False, None),
        ([D(70)], D(10), False, None),
        ([D(70), D(80)], D(10), False, D("75.00")),  # exactly the gap: no third
        ([D(70), D("80.01")], D(10), True, None),  # over the gap: wait for the third
        ([D(71), D(72)], D(0), True, None),
        ([D(71), D(71)], D(0), False, D("71.00")),
        ([D("70.01"), D(70)], D(10), False, D("70.01")),  # 70.005 rounds half up
        ([D(50), D(90), D(85)], D(10), False, D("87.50")),  # the two closest: 85, 90
        ([D(50), D(90), D(55)], D(10), False, D("52.50")),
        ([D(10), D(20), D(30)], D(5), False, D("25.00")),  # tie: the higher pair
        ([D(30), D(10), D(20)], D(5), False, D("25.00")),  # order does not matter
        ([D(40), D(60), D(60), D(80)], D(5), False, D("60.00")),
    ],
)
def test_third_and_entry_mark(totals, gap, third, mark):
    assert marks.needs_third(totals, gap=gap) is third
    assert marks.entry_mark(totals, gap=gap) == mark


T0 = datetime.datetime(2019, 9, 6, 10, tzinfo=datetime.UTC)
T1 = T0 + datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("rows", "order"),
    [
        # (id, mark, submitted_at)
        ([(1, D(80), T0), (2, D(90), T0)], [2, 1]),
        ([(1, D(80), T1), (2, D(80), T0)], [2, 1]),  # tie: earlier submission first
        ([(2, D(80), T0), (1, D(80), T0)], [1, 2]),  # then the lower id
    ],
)
def test_forward_key(rows, order):
    rows.sort(key=lambda r: ranking.forward_key(mark=r[1], submitted_at=r[2], entry_id=r[0]))
    assert [r[0] for r in rows] == order


@pytest.mark.parametrize(
    ("final_mark", "max_total", "mc", "weight", "score"),
    [
        (D(80), D(100), D(50), 0, D("80.00")),
        (D(80), D(100), D(50), 100, D("50.00")),
        (D(80), D(100), D(50), 30, D("71.00")),  # 0.7 × 80 + 0.3 × 50
        (D(40), D(50), D(100), 50, D("90.00")),  # 80 % of the rubric, 100 in MC
        (D(40), D(50), None, 50, D("40.00")),  # no multiple-choice result: 0 there
        (D(40), D(0), D(60), 50, D("30.00")),  # an empty rubric counts 0
        (D("33.33"), D(100), D("66.67"), 33, D("44.33")),
    ],
)
def test_combined_score(final_mark, max_total, mc, weight, score):
    assert (
        ranking.combined_score(
            final_mark=final_mark, max_total=max_total, mc_score=mc, mc_weight=weight
        )
        == score
    )


@pytest.mark.parametrize(
    ("rows", "order"),
    [
        # (id, score, final_mark, submitted_at)
        ([(1, D(70), D(90), T0), (2, D(80), D(60), T0)], [2, 1]),
        ([(1, D(80), D(60), T0), (2, D(80), D(70), T1)], [2, 1]),  # tie: higher final mark
        ([(1, D(80), D(70), T1), (2, D(80), D(70), T0)], [2, 1]),  # then earlier
        ([(2, D(80), D(70), T0), (1, D(80), D(70), T0)], [1, 2]),  # then lower id
    ],
)
def test_prize_key(rows, order):
    rows.sort(
        key=lambda r: ranking.prize_key(
            score=r[1], final_mark=r[2], submitted_at=r[3], entry_id=r[0]
        )
    )
    assert [r[0] for r in rows] == order
