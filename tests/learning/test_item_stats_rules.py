"""learning.rules.item_stats against hand-computed values."""

import math

import pytest

from learning.rules import item_stats as rules
from learning.rules.item_stats import Groups, Sums, TopicRow

# x = [1, 1, 0, 0], rest r = [3, 2, 2, 1]: n 4, Σx 2, Σr 8, Σr² 18, Σxr 5;
# cov 4·5 − 2·8 = 4, var_x 4·2 − 2² = 4, var_r 4·18 − 8² = 8, r = 4/√32 = 1/√2.
SUMS_POSITIVE = Sums(n=4, sum_x=2, sum_r=8, sum_r2=18, sum_xr=5)


@pytest.mark.parametrize(
    ("sums", "expected"),
    [
        (SUMS_POSITIVE, 1 / math.sqrt(2)),
        # x = [0, 0, 1, 1], same r: Σxr = 2 + 1 = 3, cov 12 − 16 = −4.
        (Sums(n=4, sum_x=2, sum_r=8, sum_r2=18, sum_xr=3), -1 / math.sqrt(2)),
        # x = [1, 0, 0], r = [2, 2, 0]: cov 3·2 − 1·4 = 2, var_x 3 − 1 = 2,
        # var_r 3·8 − 16 = 8: 2/√16 = 0.5.
        (Sums(n=3, sum_x=1, sum_r=4, sum_r2=8, sum_xr=2), 0.5),
        (Sums(n=1, sum_x=1, sum_r=3, sum_r2=9, sum_xr=3), None),  # one attempt
        (Sums(n=3, sum_x=3, sum_r=6, sum_r2=14, sum_xr=6), None),  # everyone right
        (Sums(n=3, sum_x=1, sum_r=6, sum_r2=12, sum_xr=2), None),  # every rest score 2
        (Sums(), None),
    ],
)
def test_point_biserial(sums, expected):
    value = rules.point_biserial(sums)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(
    ("count", "x", "sum_c", "sum_c2", "expected"),
    [
        # correct counts 4 and 3 with the item right: r = 3, 2.
        (2, 1, 7, 25, Sums(n=2, sum_x=2, sum_r=5, sum_r2=13, sum_xr=5)),
        # correct counts 2 and 1 with the item wrong (or unanswered): r = 2, 1.
        (2, 0, 3, 5, Sums(n=2, sum_x=0, sum_r=3, sum_r2=5, sum_xr=0)),
        (0, 1, 0, 0, Sums()),
    ],
)
def test_sums_for_answer_group(count, x, sum_c, sum_c2, expected):
    assert (
        rules.sums_for_answer_group(count=count, x=x, sum_correct=sum_c, sum_correct2=sum_c2)
        == expected
    )


def test_sums_merge_by_adding():
    right = rules.sums_for_answer_group(count=2, x=1, sum_correct=7, sum_correct2=25)
    wrong = rules.sums_for_answer_group(count=2, x=0, sum_correct=3, sum_correct2=5)
    assert right + wrong == SUMS_POSITIVE


@pytest.mark.parametrize(
    ("drawn", "correct", "expected"),
    [(10, 7, 0.7), (4, 0, 0.0), (3, 3, 1.0), (0, 0, None)],
)
def test_facility_counts_unanswered_as_wrong(drawn, correct, expected):
    # drawn includes the attempts that left the question unanswered.
    assert rules.facility(drawn=drawn, correct=correct) == expected


@pytest.mark.parametrize(
    ("total", "size"),
    [(0, 0), (1, 1), (3, 1), (4, 2), (100, 27), (101, 28), (1000, 270), (7_500_000, 2_025_000)],
)
def test_group_size_is_27_percent_rounded_up(total, size):
    assert rules.group_size(total) == size


@pytest.mark.parametrize(
    ("histogram", "expected"),
    [
        # N 4, k 2: the 2nd best scores 2, the 2nd weakest 1.
        (
            {0: 1, 1: 1, 2: 1, 3: 1},
            Groups(upper_min=2, lower_max=1, upper_attempts=2, lower_attempts=2),
        ),
        # N 10, k 3: five attempts tie on 10, all in the upper group (50 %); the 3rd weakest
        # scores 9, so the three 9s join the two 5s.
        (
            {10: 5, 9: 3, 5: 2},
            Groups(upper_min=10, lower_max=9, upper_attempts=5, lower_attempts=5),
        ),
        # N 100, k 27: 20 at 20, 10 at 19 → upper ≥ 19 (30); 27 at 5 → lower ≤ 5 (27).
        (
            {20: 20, 19: 10, 12: 43, 5: 27},
            Groups(upper_min=19, lower_max=5, upper_attempts=30, lower_attempts=27),
        ),
        ({20: 10}, None),  # everyone the same: no groups
        ({20: 9, 19: 1}, None),  # the cut-offs meet (20 ≤ 20)
        ({}, None),
        ({3: 0}, None),
    ],
)
def test_score_groups(histogram, expected):
    assert rules.score_groups(histogram) == expected


@pytest.mark.parametrize(
    ("correct_count", "expected"),
    [(19, 1), (20, 1), (18, 0), (6, 0), (5, -1), (0, -1)],
)
def test_group_of(correct_count, expected):
    groups = Groups(upper_min=19, lower_max=5, upper_attempts=30, lower_attempts=27)
    assert rules.group_of(correct_count=correct_count, groups=groups) == expected
    assert rules.group_of(correct_count=correct_count, groups=None) == 0


BASE = {
    "drawn": 100,
    "facility": 0.6,
    "discrimination": 0.3,
    "key_upper": 20,
    "distractors_upper": [3, 2, 1],
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"drawn": 19, "facility": 1.0}, []),  # too few draws for any flag
        ({"drawn": 20, "facility": 0.95}, ["easy"]),
        ({"facility": 0.949}, []),
        ({"facility": 0.20}, ["hard"]),
        ({"facility": 0.21}, []),
        ({"discrimination": -0.01}, ["negative"]),
        ({"discrimination": 0.0}, []),
        ({"discrimination": None}, []),
        ({"key_upper": 5, "distractors_upper": [6, 0, 0]}, ["miskeyed"]),
        ({"key_upper": 6, "distractors_upper": [6, 1]}, []),  # as often as the key: not more
        ({"key_upper": 2, "distractors_upper": [5, 2]}, []),  # 9 upper answers: too few
        ({"key_upper": 0, "distractors_upper": []}, []),  # no upper group
        (
            {"facility": 0.1, "discrimination": -0.2, "key_upper": 1, "distractors_upper": [30]},
            ["miskeyed", "negative", "hard"],
        ),
    ],
)
def test_item_flags(changes, expected):
    assert rules.item_flags(**{**BASE, **changes}) == expected


def test_every_flag_has_a_vietnamese_label_and_explanation():
    assert set(rules.FLAGS) == set(rules.FLAG_ORDER)
    assert rules.flag_label("miskeyed") == "Có thể sai đáp án"
    assert rules.flag_label("easy") == "Gần như ai cũng đúng"
    assert rules.flag_label("hard") == "Gần như ai cũng sai"
    assert rules.flag_label("negative") == "Phân biệt ngược"
    for code in rules.FLAGS:
        assert len(rules.flag_explanation(code)) > 40


@pytest.mark.parametrize(
    ("rows", "limit", "expected"),
    [
        (
            [
                TopicRow(1, "Thủ tục", 10, 5),
                TopicRow(2, "Căn cước", 10, 3),
                TopicRow(3, "Định danh", 10, 9),
            ],
            2,
            ["Căn cước", "Thủ tục"],
        ),
        # Equal shares: more draws first, then by name; never drawn: left out.
        (
            [
                TopicRow(1, "B", 10, 5),
                TopicRow(2, "A", 20, 10),
                TopicRow(3, "C", 10, 5),
                TopicRow(4, "D", 0, 0),
            ],
            5,
            ["A", "B", "C"],
        ),
        ([], 3, []),
    ],
)
def test_weakest_topics(rows, limit, expected):
    assert [row.topic for row in rules.weakest_topics(rows, limit=limit)] == expected


@pytest.mark.parametrize(
    ("sees", "owns", "expected"),
    [
        (True, True, {"questions", "topics", "recompute"}),
        (True, False, {"topics"}),  # a district in the city's contest: its own units' topics
        (False, False, set()),
        (False, True, {"questions", "topics", "recompute"}),
    ],
)
def test_pages_allowed(sees, owns, expected):
    assert rules.pages_allowed(sees_contest=sees, owns_contest=owns) == expected
