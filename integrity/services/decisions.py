"""An organiser's decision on a flag: clear it ("not a violation") or disqualify the person
through scoring's audited disqualification. Each decision is recorded on the flag (who, when,
why) by a conditional UPDATE on status, in the same transaction as the disqualification: a flag
is decided once, and a failed disqualification leaves it open."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.selectors import path_prefix_for
from integrity.models import AnomalyFlag
from integrity.rules.decisions import disqualification_reason, reason_error
from scoring.models import Disqualification
from scoring.services.disqualification import registration_disqualify


def _check(*, flag: AnomalyFlag, user, reason: str) -> str:
    registration = flag.registration
    prefix = path_prefix_for(user=user)
    if prefix is None or (
        prefix and (registration is None or not registration.unit.path.startswith(prefix))
    ):
        raise PermissionDenied(_("Bạn không có quyền xử lý dấu hiệu này."))
    error = reason_error(reason)
    if error:
        raise ValidationError(error)
    return reason.strip()


def _decide(*, flag: AnomalyFlag, status: str, user, reason: str) -> None:
    updated = AnomalyFlag.objects.filter(pk=flag.pk, status=AnomalyFlag.Status.OPEN).update(
        status=status, decided_by=user, decided_at=timezone.now(), reason=reason
    )
    if not updated:
        raise ValidationError(_("Dấu hiệu này đã được xử lý trước đó."))
    flag.refresh_from_db()


def flag_clear(*, flag: AnomalyFlag, user, reason: str) -> AnomalyFlag:
    """Clear an open flag: not a violation, for `reason`."""
    reason = _check(flag=flag, user=user, reason=reason)
    with transaction.atomic():
        _decide(flag=flag, status=AnomalyFlag.Status.CLEARED, user=user, reason=reason)
    return flag


def flag_disqualify(*, flag: AnomalyFlag, user, reason: str) -> AnomalyFlag:
    """Disqualify the flag's registration (scoring.services.disqualification, audited there,
    reason code by the flag's kind, the organiser's reason as its note) and record the
    decision on the flag, all or nothing. A person already disqualified (say by another flag
    of the same burst) is not disqualified twice: the flag records the decision in force."""
    reason = _check(flag=flag, user=user, reason=reason)
    registration = flag.registration
    if registration is None:
        raise ValidationError(_("Dấu hiệu này không gắn với người dự thi nào."))
    with transaction.atomic():
        _decide(flag=flag, status=AnomalyFlag.Status.DISQUALIFIED, user=user, reason=reason)
        in_force = Disqualification.objects.filter(
            registration=registration, revoked_at__isnull=True
        ).exists()
        if not in_force:
            registration_disqualify(
                registration=registration,
                reason_code=disqualification_reason(flag.kind),
                note=reason,
                user=user,
            )
    return flag
