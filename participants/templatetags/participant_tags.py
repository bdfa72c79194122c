"""Template helpers for participant pages, and participants' figures on other apps' pages."""

import math

from django import template
from django.utils import timezone

from participants.selectors import contest_registration_count

register = template.Library()


@register.simple_tag
def registration_count(contest) -> int:
    """How many have registered for `contest`: shown on contests' public page, which gets it
    here because contests never imports participants."""
    return contest_registration_count(contest=contest)


@register.simple_tag(takes_context=True)
def lockout_seconds_left(context) -> int:
    """Seconds until django-axes lifts the lock of this account from this address: the
    cool-off counted from the last recorded failure (failures during the lock are not
    recorded, so the wait only goes down)."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    request = context.get("request")
    cool_off = get_cool_off(request)
    if cool_off is None:
        return 0
    total = math.ceil(cool_off.total_seconds())
    username = context.get("username") or ""
    address = getattr(request, "axes_ip_address", None)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return total
    left = (last + cool_off - timezone.now()).total_seconds()
    return max(1, min(total, math.ceil(left)))
