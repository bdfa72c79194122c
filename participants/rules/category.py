"""Which of a contest's categories (contests.Category: cán bộ, công chức, viên chức / học sinh,
sinh viên / người dân) a registration is ranked and awarded in.

The block of the person's unit decides when exactly one category lists that block (a pupil
registering under "Khối trường học" is a pupil). Otherwise the person chooses at join: among
the categories that list the block when several do, among all of them when none does (an
official may live in a commune and register there). A contest without categories has none to
choose. The join form asks, and the join service decides, with these two functions only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MSG_CHOOSE = _("Vui lòng chọn đối tượng dự thi.")
MSG_NOT_A_CHOICE = _(
    "Đối tượng dự thi đã chọn không thuộc cuộc thi này hoặc không áp dụng cho khối của "
    "đơn vị bạn chọn."
)


@dataclass(frozen=True)
class CategoryOption:
    id: int
    name: str
    block_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class CategoryDecision:
    category_id: int | None  # None: the contest has no categories, or an error below
    derived: bool = False  # decided by the block, not by the person
    error: str | None = None


def category_choices(
    categories: Sequence[CategoryOption], *, block_id: int | None
) -> list[CategoryOption]:
    """What the person must choose from, in the contest's order: [] when there is nothing to
    ask (no categories, or the block decides)."""
    listing = [c for c in categories if block_id is not None and block_id in c.block_ids]
    if len(listing) == 1:
        return []
    return listing or list(categories)


def category_decide(
    categories: Sequence[CategoryOption], *, block_id: int | None, chosen_id: int | None
) -> CategoryDecision:
    """The category of a registration in the block `block_id`, given what the person chose
    (ignored when the block decides)."""
    if not categories:
        return CategoryDecision(category_id=None)
    listing = [c for c in categories if block_id is not None and block_id in c.block_ids]
    if len(listing) == 1:
        return CategoryDecision(category_id=listing[0].id, derived=True)
    choices = listing or list(categories)
    if chosen_id is None:
        return CategoryDecision(category_id=None, error=str(MSG_CHOOSE))
    if chosen_id not in {c.id for c in choices}:
        return CategoryDecision(category_id=None, error=str(MSG_NOT_A_CHOICE))
    return CategoryDecision(category_id=chosen_id)
