"""Disqualification: an organiser takes a registration out of rankings and prizes, with a
reason code and a note; revoking puts it back. Both are audited on the Disqualification row
itself (who, when, why; never deleted) and, once the contest is published, in ContestChange."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest, ContestChange
from contests.selectors import path_prefix_for
from participants import services as participant_services
from participants.models import DuplicateSuspect, Registration
from scoring.models import Disqualification


def _check_scope(*, user, unit_path: str) -> None:
    prefix = path_prefix_for(user=user)
    if prefix is None or not unit_path.startswith(prefix):
        raise PermissionDenied(_("Bạn không có quyền xử lý người dự thi này."))


def _audit(*, contest: Contest, user, what: str, before: dict, after: dict) -> None:
    if contest.status != Contest.Status.DRAFT:
        ContestChange.objects.create(
            contest=contest, user=user, what=what, before=before, after=after
        )


def registration_disqualify(
    *, registration: Registration, reason_code: str, note: str = "", user
) -> Disqualification:
    """Disqualify `registration`. Refused with a Vietnamese message, and nothing written, for
    an unknown reason code, a registration already disqualified, or an organiser outside the
    registration's unit subtree."""
    _check_scope(user=user, unit_path=registration.unit.path)
    if reason_code not in Disqualification.Reason.values:
        raise ValidationError(_("Lý do truất quyền không hợp lệ."))
    try:
        with transaction.atomic():
            disqualification = Disqualification.objects.create(
                registration=registration,
                contest_id=registration.contest_id,
                reason_code=reason_code,
                note=(note or "").strip(),
                created_by=user,
            )
            _audit(
                contest=registration.contest,
                user=user,
                what="disqualified",
                before={"registration": registration.pk, "disqualified": False},
                after={
                    "registration": registration.pk,
                    "disqualified": True,
                    "reason_code": reason_code,
                },
            )
    except IntegrityError:
        raise ValidationError(_("Người dự thi này đã bị truất quyền.")) from None
    return disqualification


def disqualification_revoke(*, disqualification: Disqualification, note: str = "", user) -> None:
    """Revoke a disqualification in force (conditional UPDATE: revoking twice is refused with
    a message, not applied twice)."""
    registration = disqualification.registration
    _check_scope(user=user, unit_path=registration.unit.path)
    with transaction.atomic():
        updated = Disqualification.objects.filter(
            pk=disqualification.pk, revoked_at__isnull=True
        ).update(revoked_at=timezone.now(), revoked_by=user, revoke_note=(note or "").strip())
        if not updated:
            raise ValidationError(_("Quyết định truất quyền này đã được huỷ trước đó."))
        _audit(
            contest=registration.contest,
            user=user,
            what="disqualification_revoked",
            before={"registration": registration.pk, "disqualified": True},
            after={"registration": registration.pk, "disqualified": False},
        )
    disqualification.refresh_from_db()


def duplicate_disqualify(*, suspect: DuplicateSuspect, user, note: str) -> DuplicateSuspect:
    """Disqualify every registration of the later account (reason "duplicate"), and record
    the decision on the suspect, in one transaction: all or nothing."""
    with transaction.atomic():
        registrations = list(
            suspect.duplicate.registrations.select_related("unit", "contest").order_by("pk")
        )
        already = set(
            Disqualification.objects.filter(
                registration__in=registrations, revoked_at__isnull=True
            ).values_list("registration_id", flat=True)
        )
        done = []
        for registration in registrations:
            if registration.pk in already:
                continue
            registration_disqualify(
                registration=registration,
                reason_code=Disqualification.Reason.DUPLICATE,
                note=note,
                user=user,
            )
            done.append(registration.pk)
        return participant_services.duplicate_decide(
            suspect=suspect,
            status=DuplicateSuspect.Status.DISQUALIFIED,
            user=user,
            note=note,
            details={"disqualified_registrations": done},
        )
