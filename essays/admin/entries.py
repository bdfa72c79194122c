"""The organiser's list of essay entries: code, marking unit, stage, status and marks; the
person (name, unit) only once the task's marking is final, the city panel closed
(essays.rules.access), so that nobody in the chain can tie a code to a name while marks can
still change. Read only: entries
change through the citizen's page and the judging services. Scoped to entries of units in
the organiser's subtree."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contests.admin_scoping import ScopedModelAdmin
from essays.models import Entry
from essays.selectors.entries import entry_revealed, with_marking_final


@admin.register(Entry)
class EntryAdmin(ScopedModelAdmin):
    unit_path_field = "registration__unit__path"
    list_display = [
        "code",
        "task",
        "district",
        "stage",
        "status",
        "submitted_at",
        "preliminary_mark",
        "final_mark",
        "person_display",
        "file_display",
    ]
    list_filter = ["task", "stage", "status", "district"]
    search_fields = ["code"]
    list_select_related = ["task", "district", "registration__participant", "registration__unit"]
    ordering = ["task", "district", "-preliminary_mark", "code"]
    fields = [
        "code",
        "task",
        "district",
        "stage",
        "status",
        "submitted_at",
        "word_count",
        "preliminary_mark",
        "final_mark",
        "forwarded_at",
        "person_display",
        "file_display",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return with_marking_final(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("người dự thi"))
    def person_display(self, obj):
        if not entry_revealed(obj):
            return _("(ẩn cho đến khi thành phố chốt điểm chung cuộc)")
        registration = obj.registration
        return f"{registration.participant.full_name} — {registration.unit.name}"

    @admin.display(description=_("tệp"))
    def file_display(self, obj):
        if not obj.file:
            return "—"
        if not entry_revealed(obj):
            return _("(mở được khi thành phố chốt điểm chung cuộc)")
        return format_html(
            '<a href="{}">{}</a>', reverse("essays:file", args=[obj.code]), _("Tải tệp")
        )
