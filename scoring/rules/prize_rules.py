"""Who may still take a prize of a structure, and how many prizes a structure may give: pure
rules (no database) that `scoring.selectors.prizes.prizes_allocate` applies.

`cap_count`: a structure with `cap_percent` gives at most ⌊cap % × entrants⌋ individual
prizes, entrants = the people ranked in its scope (round, category, unit); e.g. Quảng Nam's
"không quá 50 % số người dự thi" gives 3 prizes to 7 entrants.

`barred`: the people a structure skips, besides the disqualified and excluded, from what has
been awarded so far (`Taken`). An allocation covers one group of structures: one round's, or
the overall (contest-level results) ones.
- Everyone: one prize per person inside one structure (the allocation moves on to the next
  person).
- A contest-level structure (no unit) skips the winners of the contest-level structures
  allocated before it in the group: at most one prize per person among them (a week's
  3/4/3 split between categories, or a week's two prize lists).
- A unit structure (a district's prizes inside the city contest) skips the group's
  contest-level winners unless `winner_may_take_unit_prize`.
- `one_prize_per=contest` also skips everyone awarded earlier in this allocation and everyone
  with a prize in the published results of another round (`Taken.other_rounds`: the latest
  version of each earlier round for a round's allocation, of every round for the overall one).
- `excludes_round_winners` (overall structures only) skips everyone with a prize in a
  published round (`Taken.other_rounds`)."""

from __future__ import annotations

from dataclasses import dataclass, field


def cap_count(cap_percent: int | None, entrants: int) -> int | None:
    """The most individual prizes a structure may give (None: no cap)."""
    if cap_percent is None:
        return None
    return cap_percent * entrants // 100


@dataclass
class Taken:
    """Who has a prize so far, by registration id."""

    contest_level: set[int] = field(default_factory=set)  # contest-level structures, this group
    in_allocation: set[int] = field(default_factory=set)  # every structure, this allocation
    other_rounds: set[int] = field(default_factory=set)  # published snapshots of other rounds


def barred(
    *,
    unit_level: bool,
    one_prize_per: str,
    excludes_round_winners: bool,
    overall: bool,
    winner_may_take_unit_prize: bool,
    taken: Taken,
) -> set[int]:
    """The registrations a structure skips (see the module docstring). `unit_level`: the
    structure has a unit; `overall`: it awards the overall ranking (no round)."""
    skip: set[int] = set()
    if not unit_level or not winner_may_take_unit_prize:
        skip |= taken.contest_level
    if one_prize_per == "contest":
        skip |= taken.in_allocation | taken.other_rounds
    if overall and excludes_round_winners:
        skip |= taken.other_rounds
    return skip
