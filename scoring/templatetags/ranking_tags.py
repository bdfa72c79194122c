"""The ranking rule as the contest's rules page says it: `{% ranking_rules contest rounds %}`,
from the same keys that order the database and explain a place (scoring.rules.ranking), so
the printed rule cannot drift from the applied one."""

from django import template

from scoring.rules import ranking

register = template.Library()


@register.inclusion_tag("scoring/_ranking_rules.html")
def ranking_rules(contest, rounds=None) -> dict:
    """The chain of `contest` as numbered lines; for a contest with rounds, each round's chain
    and the overall one (led by the cumulative rule's key when there is one). `rounds`: the
    contest's rounds if the page has read them already (else one EXISTS query)."""
    has_rounds = bool(rounds) if rounds is not None else contest.rounds.exists()
    overall = ranking.rule_lines(ranking.chain_for(contest))
    if not has_rounds:
        return {"has_rounds": False, "overall": overall}
    # Every round ranks by the same chain; any round object stands for "a round" here.
    per_round = ranking.rule_lines(ranking.chain_for(contest, round=True))
    return {
        "has_rounds": True,
        "per_round": per_round,
        "overall": overall,
        "overall_is_best_attempt": overall == per_round,
    }
