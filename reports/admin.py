"""The daily official board in the admin: every version read only (a published board is never
edited nor deleted), scoped to the contest's owner side, and one action: publish a correction
now for the days whose figures changed (otherwise it is published with the next day's board)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contests.admin_scoping import ScopedModelAdmin
from contests.selectors import contest_owned_by
from reports.models import BoardSnapshot
from reports.services.board import board_corrections_publish


@admin.register(BoardSnapshot)
class BoardSnapshotAdmin(ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    list_display = ["contest", "day", "version", "corrects", "made_at", "content_hash"]
    list_filter = ["contest"]
    date_hierarchy = "day"
    ordering = ["contest", "-day", "-version"]
    actions = ["corrections_publish"]
    fields = [
        "contest",
        "day",
        "version",
        "corrects",
        "made_at",
        "made_by",
        "content_hash",
        "changes",
        "figures",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=_("Đính chính ngay các ngày có số liệu thay đổi"), permissions=["view"]
    )
    def corrections_publish(self, request, queryset):
        contests = {s.contest_id: s.contest for s in queryset.select_related("contest__owner_unit")}
        published = 0
        for contest in contests.values():
            if contest_owned_by(user=request.user, contest=contest):
                published += len(board_corrections_publish(contest=contest, user=request.user))
        if published:
            self.message_user(
                request,
                ngettext(
                    "Đã công bố %(n)d bản đính chính.",
                    "Đã công bố %(n)d bản đính chính.",
                    published,
                )
                % {"n": published},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("Số liệu của các ngày đã công bố không thay đổi: không có gì để đính chính."),
                messages.INFO,
            )
