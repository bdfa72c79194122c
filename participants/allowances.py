"""Extra time on the test for a person who needs it (issue 22), as Moodle's user overrides:
an organiser sets `Registration.extra_minutes`, and each change is kept as a
`TimeAllowanceGrant` (who, when, how many minutes, why)."""

from __future__ import annotations

from django.db import transaction

from contests.refusals import raise_if_refused
from contests.selectors import path_prefix_for
from participants.models import Registration, TimeAllowanceGrant
from participants.rules.time_allowance import time_allowance_refusal


def time_allowance_grant(
    *, registration: Registration, minutes: int, reason: str, user
) -> TimeAllowanceGrant:
    """Set the person's extra minutes on this contest's test to `minutes` (0 takes the
    allowance back) and record the grant, in one transaction.

    Refused (`contests.refusals.Refused`, nothing written) when the registration lies outside
    the organiser's subtree, the minutes are out of range or the reason is missing
    (participants.rules.time_allowance). It applies to attempts started from now on: a running
    attempt keeps the deadline stored at its start (time is the server's, fixed at start)."""
    unit_path = (
        Registration.objects.filter(pk=registration.pk).values_list("unit__path", flat=True).get()
    )
    raise_if_refused(
        time_allowance_refusal(
            organiser_prefix=path_prefix_for(user=user),
            unit_path=unit_path,
            minutes=minutes,
            reason=reason,
        )
    )
    with transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(extra_minutes=minutes)
        grant = TimeAllowanceGrant.objects.create(
            registration=registration, minutes=minutes, reason=reason.strip(), granted_by=user
        )
    registration.extra_minutes = minutes
    return grant
