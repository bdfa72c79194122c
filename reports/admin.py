"""The daily official board in the admin: every version read only (a published board is never
edited nor deleted), scoped to the contest's owner side, and one action: publish a correction
now for the days whose figures changed (otherwise it is published with the next day's board)."""

from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contests.admin_scoping import ScopedModelAdmin
from contests.selectors import contest_owned_by
from reports.models import BoardSnapshot
from reports.services.board import board_corrections_publish
from reports.views_public import change_lines, percent


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
        "changes_text",
        "figures_table",
    ]
    readonly_fields = fields

    @admin.display(description=_("nội dung đính chính"))
    def changes_text(self, obj):
        changes = obj.changes if isinstance(obj.changes, list) else []
        readable = [c for c in changes if isinstance(c, dict) and {"name", "field"} <= set(c)]
        lines = change_lines([{"before": None, "after": None, **c} for c in readable])
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "—"

    @admin.display(description=_("số liệu theo đơn vị"))
    def figures_table(self, obj):
        figures = obj.figures if isinstance(obj.figures, dict) else {}
        units = [
            {**u, "percent": percent(u.get("rate"))}
            for u in figures.get("units") or []
            if isinstance(u, dict)
        ]
        return render_to_string("admin/reports/boardsnapshot/figures.html", {"units": units})

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
