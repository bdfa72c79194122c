"""Scoring's parts of other apps' pages: the published winners on contests' public contest
page (contests never imports scoring, so the page loads them here)."""

from django import template

from scoring.selectors.public_results import winners_board

register = template.Library()


@register.inclusion_tag("scoring/results_winners.html")
def contest_winners(contest) -> dict:
    """The latest published winners of `contest` with the link to the results lookup; nothing
    before results are published. Warm: no query (`winners_board` is cached)."""
    return {"contest": contest, "board": winners_board(contest=contest)}
