"""The collective-prize order: how units are ranked for a collective prize, one small rule
class per `Contest.CollectiveRule` value (`RULES`), pure (no database).

- participants: most participants, then highest rate, then highest mean score;
- rate: highest participants ÷ headcount (units without a headcount are not ranked), then most
  participants, then highest mean score;
- mean_score: highest mean best score, then most participants;
- winner_points: most points, points = `points_per_winner` × the unit's individual winners in
  the same allocation (a round's prizes, or the overall prizes); units without a winner are
  not ranked; then most participants, then highest mean score;
- composite: the highest weighted sum of four components, each normalised to 0…1 —
  participants ÷ the most participants of a ranked unit, rate ÷ the highest rate (no
  headcount: 0), mean ÷ 100 (the score is out of 100), winners ÷ the most winners — with the
  contest's weights; exact arithmetic (Fraction), so equal sums are really equal.
Every rule ends with the unit code, so ties always break the same way.

The precondition (`Params.min_rate_percent`, e.g. 100: every mandatory member of the unit
took part) comes before any rule: a unit whose rate is below it, or that has no headcount to
measure a rate against, is not ranked. The composite's maxima are taken over the units that
meet it."""

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
    winners: int = 0  # the unit's individual winners in the same allocation


@dataclass(frozen=True)
class Params:
    """The contest's collective parameters (`Contest.collective_*`)."""

    points_per_winner: int = 1
    weight_participants: int = 0
    weight_rate: int = 0
    weight_mean: int = 0
    weight_winners: int = 0
    min_rate_percent: int | None = None

    @classmethod
    def of(cls, contest) -> Params:
        return cls(
            points_per_winner=contest.collective_points_per_winner,
            weight_participants=contest.collective_weight_participants,
            weight_rate=contest.collective_weight_rate,
            weight_mean=contest.collective_weight_mean,
            weight_winners=contest.collective_weight_winners,
            min_rate_percent=contest.collective_min_rate_percent,
        )


def meets_precondition(standing: Standing, params: Params) -> bool:
    """The unit's rate reaches `min_rate_percent` (no precondition: every unit does)."""
    if params.min_rate_percent is None:
        return True
    if standing.rate is None:
        return False
    return standing.rate * 100 >= params.min_rate_percent


class Rule:
    def admits(self, standing: Standing, params: Params) -> bool:
        return True

    def order(self, standings: list[Standing], params: Params) -> list[Standing]:
        return sorted(standings, key=lambda s: self.sort_key(s, params))

    def sort_key(self, s: Standing, params: Params) -> tuple:
        raise NotImplementedError


class MostParticipants(Rule):
    def sort_key(self, s, params):
        return (-s.participants, -(s.rate or 0), -s.mean, s.unit_code)


class HighestRate(Rule):
    def admits(self, standing, params):
        return standing.rate is not None

    def sort_key(self, s, params):
        return (-s.rate, -s.participants, -s.mean, s.unit_code)


class HighestMeanScore(Rule):
    def sort_key(self, s, params):
        return (-s.mean, -s.participants, s.unit_code)


def winner_points(standing: Standing, params: Params) -> int:
    return params.points_per_winner * standing.winners


class MostWinnerPoints(Rule):
    def admits(self, standing, params):
        return winner_points(standing, params) > 0

    def sort_key(self, s, params):
        return (-winner_points(s, params), -s.participants, -s.mean, s.unit_code)


def _share(value, most) -> Fraction:
    return Fraction(value) / most if most else Fraction(0)


def composite_score(standing: Standing, params: Params, maxima: tuple) -> Fraction:
    """The weighted sum for one unit; `maxima` = (most participants, highest rate, most
    winners) among the units ranked."""
    most_participants, highest_rate, most_winners = maxima
    return (
        params.weight_participants * _share(standing.participants, most_participants)
        + params.weight_rate * _share(standing.rate or 0, highest_rate)
        + params.weight_mean * Fraction(standing.mean) / 100
        + params.weight_winners * _share(standing.winners, most_winners)
    )


class WeightedComposite(Rule):
    def order(self, standings, params):
        maxima = (
            max((s.participants for s in standings), default=0),
            max((s.rate or 0 for s in standings), default=0),
            max((s.winners for s in standings), default=0),
        )
        return sorted(standings, key=lambda s: (-composite_score(s, params, maxima), s.unit_code))


RULES: dict[str, Rule] = {
    "participants": MostParticipants(),
    "rate": HighestRate(),
    "mean_score": HighestMeanScore(),
    "winner_points": MostWinnerPoints(),
    "composite": WeightedComposite(),
}


def collective_order(
    standings: list[Standing], rule: str, params: Params | None = None
) -> list[Standing]:
    """The standings a rule ranks, best first (an unknown rule counts as "participants"):
    the precondition first, then the rule's own admission, then its order."""
    params = params or Params()
    chosen = RULES.get(rule, RULES["participants"])
    ranked = [s for s in standings if meets_precondition(s, params) and chosen.admits(s, params)]
    return chosen.order(ranked, params)
