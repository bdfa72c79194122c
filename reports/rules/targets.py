"""Participation targets (chỉ tiêu, seed 002): what a unit's target is in people, how far it
has got, whether it is reached, and where the daily trajectory will take it by the close.

What counts towards a target is what the figures count as a participant: a person registered
for a unit of the subtree with at least one graded attempt (`participants` of the roll-ups,
reports.services.rollups). `roster_status` says the same for one person on a roster.

Pure functions, no database: tests/reports/test_targets_rules.py holds their tables."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass

# How many days of the daily trajectory the projection averages.
PROJECTION_WINDOW_DAYS = 7


def target_people(*, people: int | None, percent: int | None, headcount: int | None) -> int | None:
    """A unit's target as a number of people: the number set, or `percent` % of the unit's
    headcount rounded up (a 90 % target of 31 people is 28, not 27.9). None when there is no
    usable target: nothing set, a share of a unit without headcount, or a target of nobody
    (0 people, 0 %, or a share of 0 people), which nothing can be measured against."""
    if people is not None:
        return people if people > 0 else None
    if percent is None or not headcount or percent <= 0:
        return None
    # Integer arithmetic: ceil(percent × headcount / 100) without float rounding.
    return -(-percent * headcount // 100)


def progress_percent(*, participants: int, target: int | None) -> float | None:
    """Participants as a percentage of the target (may exceed 100), one decimal; None
    without a target."""
    if not target:
        return None
    return round(participants * 100 / target, 1)


def target_reached(*, participants: int, target: int | None) -> bool:
    """ "Đạt 100 %": at least as many participants as the target."""
    return bool(target) and participants >= target


@dataclass(frozen=True)
class Projection:
    """Where the unit will be at the close.

    status: "not_open" (before the opening: nothing to extrapolate), "no_data" (open, but no
    complete day yet), "open" (projected from `per_day`), "closed" (the figure is final).
    `projected` is None for the first two."""

    status: str
    projected: int | None
    per_day: float | None
    days_used: int


def projection(
    *,
    participants: int,
    new_per_day: Mapping[datetime.date, int],
    now: datetime.datetime,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    tz: datetime.tzinfo,
    window: int = PROJECTION_WINDOW_DAYS,
) -> Projection:
    """The projection to the close from the daily trajectory.

    The rate is the mean of the daily *new* participants (people whose first graded attempt
    was that local day: they add up to `participants`) over the last `window` complete local
    days of the contest, i.e. from the opening day to yesterday; a day without a row counts as
    0 (nobody new), today is left out (it is not over). The projection is today's
    participants plus that rate times the time left to `closes_at`, in days (fractions
    count), rounded down: a linear extrapolation. After the close the figure is final; before
    the opening, or on the opening day, there is nothing to extrapolate from."""
    if now >= closes_at:
        return Projection("closed", participants, None, 0)
    if now < opens_at:
        return Projection("not_open", None, None, 0)
    today = now.astimezone(tz).date()
    first_day = opens_at.astimezone(tz).date()
    start = max(first_day, today - datetime.timedelta(days=window))
    days = [start + datetime.timedelta(days=i) for i in range((today - start).days)]
    if not days:
        return Projection("no_data", None, None, 0)
    per_day = sum(new_per_day.get(day, 0) for day in days) / len(days)
    days_left = (closes_at - now).total_seconds() / 86400
    projected = participants + math.floor(per_day * days_left)
    return Projection("open", projected, round(per_day, 1), len(days))


# What one person on a roster is, for the "who has not yet taken part" list.
NOT_REGISTERED = "not_registered"
REGISTERED_ONLY = "registered"
TAKEN_PART = "taken_part"


def roster_status(*, registered: bool, graded_attempts: int) -> str:
    """A roster row's person: not registered (no registration matched), registered without
    a graded attempt, or taken part (at least one graded attempt: a participant, as every
    figure counts them). Only the last counts towards anything."""
    if not registered:
        return NOT_REGISTERED
    return TAKEN_PART if graded_attempts > 0 else REGISTERED_ONLY
