"""Footer pieces of every page: the language switch and the contest's support contact."""

from __future__ import annotations

from django import template

from contests.models import Contest
from participants.accounts.selectors import support_contact_for

register = template.Library()


@register.inclusion_tag("participants/_support_contact.html")
def support_contact(contest):
    """Whom to ask about `contest` (nothing when the page has no contest or none is known).
    The timed test page leaves it out (its footer is included with `quiet`: its query count
    is pinned, and the contact is one tap away on the contest's page)."""
    if not isinstance(contest, Contest) or not contest.pk:
        return {"contact": None}
    return {"contact": support_contact_for(contest=contest), "contest": contest}


@register.inclusion_tag("participants/_language_switch.html", takes_context=True)
def language_switch(context):
    request = context.get("request")
    return {
        "next": request.get_full_path() if request is not None else "/",
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE", "vi"),
    }
