"""The duplicate-accounts queue (participants) with one more decision that only scoring can
carry out: disqualify the second account's registrations (scoring owns disqualification, and
participants never imports scoring, so the queue is registered again here with it)."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from participants import services as participant_services
from participants.admin import DuplicateSuspectAdmin
from participants.models import DuplicateSuspect
from scoring.models import Disqualification
from scoring.services.disqualification import registration_disqualify


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


class DuplicateSuspectWithDisqualifyAdmin(DuplicateSuspectAdmin):
    def decisions(self) -> dict:
        return {
            **super().decisions(),
            "disqualify": (
                _(
                    "Truất quyền: các đăng ký dự thi của tài khoản nghi trùng "
                    "(lý do: đăng ký trùng)"
                ),
                lambda request, suspect, note: duplicate_disqualify(
                    suspect=suspect, user=request.user, note=note
                ),
            ),
        }


if admin.site.is_registered(DuplicateSuspect):
    admin.site.unregister(DuplicateSuspect)
admin.site.register(DuplicateSuspect, DuplicateSuspectWithDisqualifyAdmin)
