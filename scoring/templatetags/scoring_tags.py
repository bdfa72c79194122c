"""Scoring's parts of other apps' pages: the published winners on contests' public contest
page (contests never imports scoring, so the page loads them here)."""

from django import template

from scoring.selectors.public_results import last_published_round, round_winners, winners_board

register = template.Library()

LAST = "last"


@register.inclusion_tag("scoring/results_winners.html")
def contest_winners(contest, round=None) -> dict:  # noqa: A002
    """The latest published winners of `contest` with the link to the results lookup, or of
    one round (`round`: a Round, or "last" for the last round whose results are published:
    the "between rounds" block); nothing before they are published. Warm: no query for the
    contest's or a given round's (`winners_board`, `round_winners` are cached)."""
    if round is None or round == "":
        return {"contest": contest, "board": winners_board(contest=contest)}
    if round == LAST:
        round = last_published_round(contest=contest)  # noqa: A001
        if round is None:
            return {"contest": contest, "board": None}
    return {"contest": contest, "board": round_winners(contest=contest, round=round)}
