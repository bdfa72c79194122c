"""Scoring's parts of other apps' pages: the published winners on contests' public contest
page (contests never imports scoring, so the page loads them here)."""

from django import template

from scoring.selectors.public_results import published_rounds, round_winners, winners_board

register = template.Library()

LAST = "last"
ROUNDS_ONLY = "nav"


@register.inclusion_tag("scoring/results_winners.html")
def contest_winners(contest, round=None) -> dict:  # noqa: A002
    """The latest published winners of `contest` with the link to the results lookup, or of
    one round: `round` is a Round (the contest page's `?vong=N`), "last" for the last round
    whose results are published (the "between rounds" block), or "nav" for none, only the
    links to each published round's winners (a finished contest, under its overall winners).
    With a round, the links to every published round's winners come along, so past weeks'
    winners stay reachable. Nothing before anything is published. Warm: no query (the boards
    and the published rounds are cached)."""
    if round is None or round == "":
        return {"contest": contest, "board": winners_board(contest=contest)}
    rounds = published_rounds(contest=contest)
    asked = None
    if round == LAST:
        chosen = rounds[-1] if rounds else None
    elif round == ROUNDS_ONLY:
        chosen = None
    else:
        chosen = asked = round
    board = round_winners(contest=contest, round=chosen) if chosen is not None else None
    return {
        "contest": contest,
        "board": board,
        "rounds": rounds,
        "asked": asked,
        "chosen_number": chosen.number if chosen is not None else None,
    }
