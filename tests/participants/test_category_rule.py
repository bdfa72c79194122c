"""The category rule (participants.rules.category) as a table: the block decides when exactly
one category lists it, otherwise the person chooses among the listing categories (several) or
all of them (none)."""

import pytest

from participants.rules.category import (
    MSG_CHOOSE,
    MSG_NOT_A_CHOICE,
    CategoryDecision,
    CategoryOption,
    category_choices,
    category_decide,
)

# Blocks: 10 departments, 20 schools, 30 wards, 40 a block no category lists.
OFFICIALS = CategoryOption(1, "Cán bộ, công chức, viên chức", frozenset({10}))
PUPILS = CategoryOption(2, "Học sinh, sinh viên", frozenset({20}))
CITIZENS = CategoryOption(3, "Người dân", frozenset({30}))
DONG_NAI = [OFFICIALS, PUPILS, CITIZENS]
# Two categories claim the wards block: the person says which.
SHARED = [OFFICIALS, CategoryOption(2, "Học sinh", frozenset({20, 30})), CITIZENS]


@pytest.mark.parametrize(
    ("categories", "block", "chosen", "expected", "choices"),
    [
        # No categories: nothing to decide, nothing to ask, whatever was posted.
        ([], 10, None, CategoryDecision(None), []),
        ([], None, 3, CategoryDecision(None), []),
        # The block decides; a choice posted anyway is ignored.
        (DONG_NAI, 10, None, CategoryDecision(1, derived=True), []),
        (DONG_NAI, 20, 3, CategoryDecision(2, derived=True), []),
        (DONG_NAI, 30, None, CategoryDecision(3, derived=True), []),
        # No category lists the block (or no block yet): choose among all.
        (DONG_NAI, 40, 2, CategoryDecision(2), [1, 2, 3]),
        (DONG_NAI, None, 1, CategoryDecision(1), [1, 2, 3]),
        (DONG_NAI, 40, None, CategoryDecision(None, error=str(MSG_CHOOSE)), [1, 2, 3]),
        (DONG_NAI, 40, 99, CategoryDecision(None, error=str(MSG_NOT_A_CHOICE)), [1, 2, 3]),
        # Several list the block: choose among those only.
        (SHARED, 30, 2, CategoryDecision(2), [2, 3]),
        (SHARED, 30, 3, CategoryDecision(3), [2, 3]),
        (SHARED, 30, 1, CategoryDecision(None, error=str(MSG_NOT_A_CHOICE)), [2, 3]),
        (SHARED, 30, None, CategoryDecision(None, error=str(MSG_CHOOSE)), [2, 3]),
        (SHARED, 20, None, CategoryDecision(2, derived=True), []),
        # A single category with no blocks: still the person's choice (of one).
        ([CategoryOption(7, "Mọi người")], 10, 7, CategoryDecision(7), [7]),
    ],
)
def test_category_decide(categories, block, chosen, expected, choices):
    assert category_decide(categories, block_id=block, chosen_id=chosen) == expected
    assert [c.id for c in category_choices(categories, block_id=block)] == choices


def test_messages_are_vietnamese():
    assert str(MSG_CHOOSE) == "Vui lòng chọn đối tượng dự thi."
    assert "không thuộc cuộc thi này" in str(MSG_NOT_A_CHOICE)
