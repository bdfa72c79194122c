"""The link to a contest's public daily board, for contests' public page (contests never
names reports' URLs: the page loads this library, as it does participants' tags)."""

from django import template

from contests.models import Contest

register = template.Library()


@register.inclusion_tag("reports/_board_link.html")
def board_link(contest: Contest) -> dict:
    """A link to the board when the contest publishes one (a board hour, not a draft);
    nothing otherwise. No query: both are fields of the contest."""
    shown = contest.board_hour is not None and contest.status != Contest.Status.DRAFT
    return {"contest": contest if shown else None}
