"""A contest's age groups from its minimum age: keys, bounds, labels, which group an age is in."""

import pytest

from participants.rules.age_groups import (
    age_group_key_label,
    age_group_label,
    age_group_of,
    age_groups,
)


def shape(groups):
    return [(g.key, g.lower, g.upper, str(g.label), str(g.phrase)) for g in groups]


@pytest.mark.parametrize(
    ("min_age", "bounds", "expected"),
    [
        (
            14,
            (18,),
            [
                ("u18", 14, 18, "Từ đủ 14 đến dưới 18 tuổi", "từ đủ 14 đến dưới 18 tuổi"),
                ("18+", 18, None, "Từ đủ 18 tuổi trở lên", "từ đủ 18 tuổi"),
            ],
        ),
        # Seed 003 admits 12-year-olds.
        (
            12,
            (18,),
            [
                ("u18", 12, 18, "Từ đủ 12 đến dưới 18 tuổi", "từ đủ 12 đến dưới 18 tuổi"),
                ("18+", 18, None, "Từ đủ 18 tuổi trở lên", "từ đủ 18 tuổi"),
            ],
        ),
        # An adults-only contest has one group, from its own minimum.
        (18, (18,), [("18+", 18, None, "Từ đủ 18 tuổi trở lên", "từ đủ 18 tuổi")]),
        (20, (18,), [("20+", 20, None, "Từ đủ 20 tuổi trở lên", "từ đủ 20 tuổi")]),
        # Own bands (pupils, students, adults); bounds at or below the minimum are dropped.
        (
            12,
            (16, 10, 18, 16),
            [
                ("u16", 12, 16, "Từ đủ 12 đến dưới 16 tuổi", "từ đủ 12 đến dưới 16 tuổi"),
                ("u18", 16, 18, "Từ đủ 16 đến dưới 18 tuổi", "từ đủ 16 đến dưới 18 tuổi"),
                ("18+", 18, None, "Từ đủ 18 tuổi trở lên", "từ đủ 18 tuổi"),
            ],
        ),
    ],
)
def test_age_groups(min_age, bounds, expected):
    assert shape(age_groups(min_age, bounds)) == expected


@pytest.mark.parametrize(
    ("min_age", "age", "key"),
    [
        (14, 14, "u18"),
        (14, 17, "u18"),
        (14, 18, "18+"),
        (14, 95, "18+"),
        (12, 12, "u18"),
        (20, 20, "20+"),
        # Below the minimum only after an organiser's correction: counted in the youngest group.
        (14, 13, "u18"),
    ],
)
def test_age_group_of(min_age, age, key):
    assert age_group_of(age, age_groups(min_age)).key == key


def test_age_group_label_by_key():
    groups = age_groups(12)
    assert str(age_group_label("u18", groups)) == "Từ đủ 12 đến dưới 18 tuổi"
    assert str(age_group_label("18+", groups)) == "Từ đủ 18 tuổi trở lên"
    assert age_group_label("u16", groups) == "u16"


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("u18", "Dưới 18 tuổi"),
        ("18+", "Từ đủ 18 tuổi trở lên"),
        ("u16", "Dưới 16 tuổi"),
        ("12+", "Từ đủ 12 tuổi trở lên"),
        ("u١٨", "u١٨"),
        ("lạ", "lạ"),
    ],
)
def test_key_label_without_a_contest(key, label):
    assert age_group_key_label(key) == label
