"""A contest's age groups: from its minimum age and the bands the reports use.

Seed 000 (minimum 14) reports "từ đủ 14 đến dưới 18 tuổi" and "từ đủ 18 tuổi trở lên"; seed 003
admits 12-year-olds, so its young group starts at 12. The groups, their keys (stored on each
registration and in the rollups) and every label shown come from `age_groups`, nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Where the bands split when a contest says nothing else: minors and adults.
DEFAULT_BOUNDS: tuple[int, ...] = (18,)


@dataclass(frozen=True)
class AgeGroup:
    key: str  # "u18" (under 18) or "18+": a bounded group is named by its upper bound
    lower: int
    upper: int | None  # None: no upper bound

    @property
    def label(self) -> str:
        """As a heading: "Từ đủ 14 đến dưới 18 tuổi", "Từ đủ 18 tuổi trở lên"."""
        if self.upper is None:
            return _("Từ đủ %(lower)s tuổi trở lên") % {"lower": self.lower}
        return _("Từ đủ %(lower)s đến dưới %(upper)s tuổi") % {
            "lower": self.lower,
            "upper": self.upper,
        }

    @property
    def phrase(self) -> str:
        """Inside the summary sentence: "từ đủ 14 đến dưới 18 tuổi", "từ đủ 18 tuổi"."""
        if self.upper is None:
            return _("từ đủ %(lower)s tuổi") % {"lower": self.lower}
        return _("từ đủ %(lower)s đến dưới %(upper)s tuổi") % {
            "lower": self.lower,
            "upper": self.upper,
        }

    def holds(self, age: int) -> bool:
        return self.lower <= age and (self.upper is None or age < self.upper)


def age_groups(min_age: int, bounds: Sequence[int] = DEFAULT_BOUNDS) -> list[AgeGroup]:
    """The groups of a contest admitting people from `min_age`, youngest first: one from
    `min_age` to the first bound above it, one between each pair of bounds, one open-ended
    from the last bound (or from `min_age` when no bound lies above it)."""
    lowers = [min_age, *sorted(b for b in set(bounds) if b > min_age)]
    uppers = [*lowers[1:], None]
    return [
        AgeGroup(key=f"{lower}+" if upper is None else f"u{upper}", lower=lower, upper=upper)
        for lower, upper in zip(lowers, uppers, strict=True)
    ]


def age_group_of(age: int, groups: Sequence[AgeGroup]) -> AgeGroup:
    """The group `age` falls in. An age below the youngest group (possible only after an
    organiser corrects a date of birth) counts in the youngest, so the groups still add up
    to every registration."""
    return next((g for g in groups if g.holds(age)), groups[0])


def age_group_label(key: str, groups: Sequence[AgeGroup]) -> str:
    """The label of the group stored as `key`; the key itself when the contest's groups no
    longer have it (its minimum age changed after people registered)."""
    return next((g.label for g in groups if g.key == key), key)


def age_group_key_label(key: str) -> str:
    """A key's label when no single contest is in view (a filter over several contests):
    "u18" → "Dưới 18 tuổi", "18+" → "Từ đủ 18 tuổi trở lên"; an unknown key as it is."""
    if key.startswith("u") and key[1:].isascii() and key[1:].isdigit():
        return _("Dưới %(upper)s tuổi") % {"upper": key[1:]}
    if key.endswith("+") and key[:-1].isascii() and key[:-1].isdigit():
        return _("Từ đủ %(lower)s tuổi trở lên") % {"lower": key[:-1]}
    return key
