"""The collective-prize order: how units are ranked for a collective prize, one small rule
class per `Contest.CollectiveRule` value (`RULES`), pure (no database).

- participants: most participants, then highest rate, then highest mean score;
- rate: highest participants ÷ headcount (units without a headcount are not ranked), then most
  participants, then highest mean score;
- mean_score: highest mean best score, then most participants.
Every rule ends with the unit code, so ties always break the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Standing:
    unit_code: str
    participants: int
    rate: Fraction | None  # participants ÷ headcount; None without a headcount
    mean: Fraction  # mean best score of the participants
    unit: object = field(default=None, compare=False)  # carried for the caller


class Rule:
    def admits(self, standing: Standing) -> bool:
        return True

    def sort_key(self, s: Standing) -> tuple:
        raise NotImplementedError


class MostParticipants(Rule):
    def sort_key(self, s):
        return (-s.participants, -(s.rate or 0), -s.mean, s.unit_code)


class HighestRate(Rule):
    def admits(self, standing):
        return standing.rate is not None

    def sort_key(self, s):
        return (-s.rate, -s.participants, -s.mean, s.unit_code)


class HighestMeanScore(Rule):
    def sort_key(self, s):
        return (-s.mean, -s.participants, s.unit_code)


RULES: dict[str, Rule] = {
    "participants": MostParticipants(),
    "rate": HighestRate(),
    "mean_score": HighestMeanScore(),
}


def collective_order(standings: list[Standing], rule: str) -> list[Standing]:
    """The standings a rule ranks, best first (an unknown rule counts as "participants")."""
    chosen = RULES.get(rule, RULES["participants"])
    return sorted((s for s in standings if chosen.admits(s)), key=chosen.sort_key)
