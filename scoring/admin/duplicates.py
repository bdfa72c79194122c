"""The duplicate-accounts queue (participants) with one more decision that only scoring can
carry out: disqualify the second account's registrations (scoring owns disqualification, and
participants never imports scoring, so the queue is registered again here with it)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from participants.admin import DuplicateSuspectAdmin
from participants.models import DuplicateSuspect
from scoring.services.disqualification import duplicate_disqualify


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
