"""Scheduled sessions ("Ca thi") in admin: an organiser names the contest, the unit whose
registered people start together (a school, an office) and the time; "Chuẩn bị trước đề thi"
draws their tests ahead (scoring.services.prepared), and beat does the same for the sessions
starting within the hour. Scoped to the organiser's subtree through the session's unit."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contests.admin.units import UnitPickerMixin
from contests.admin_scoping import ScopedModelAdmin
from contests.forms import VnDateTimeField
from contests.models import Contest
from contests.refusals import Refused
from contests.selectors import contests_visible_q
from scoring.models import ExamSession
from scoring.rules.attempt_document import moment_text
from scoring.services.prepared import exam_session_prepare


class ExamSessionForm(forms.ModelForm):
    starts_at = VnDateTimeField(label=_("Bắt đầu"))
    ends_at = VnDateTimeField(
        label=_("Kết thúc"),
        help_text=_("Sau thời điểm này, đề đã rút trước mà chưa ai dùng được xoá."),
    )

    class Meta:
        model = ExamSession
        fields = ["contest", "unit", "name", "starts_at", "ends_at"]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            raise ValidationError(_("Thời điểm kết thúc phải sau thời điểm bắt đầu."))
        return data


@admin.register(ExamSession)
class ExamSessionAdmin(UnitPickerMixin, ScopedModelAdmin):
    unit_path_field = "unit__path"
    # The project's unit picker: searchable, the chosen unit shown with its path, an add form
    # starting at the organiser's own unit (a school's session is usually below it).
    autocomplete_fields = ["unit"]
    unit_default_fields = ("unit",)
    form = ExamSessionForm
    list_display = ["name", "contest", "unit", "starts", "prepared", "prepared_count"]
    list_filter = ["contest"]
    search_fields = ["name"]
    readonly_fields = ["prepared_at", "prepared_count"]
    actions = ["prepare_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contest", "unit")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "contest":
            # The contests the organiser sees: its own, and the city contests its unit is in.
            visible = contests_visible_q(user=request.user)
            kwargs["queryset"] = (
                Contest.objects.none() if visible is None else Contest.objects.filter(visible)
            ).order_by("-opens_at")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("bắt đầu"), ordering="starts_at")
    def starts(self, obj):
        return moment_text(obj.starts_at)

    @admin.display(description=_("đã chuẩn bị đề lúc"), ordering="prepared_at")
    def prepared(self, obj):
        return moment_text(obj.prepared_at)

    @admin.action(description=_("Chuẩn bị trước đề thi"))
    def prepare_selected(self, request, queryset):
        total = 0
        for session in queryset:
            try:
                total += exam_session_prepare(session=session)
            except Refused as refused:
                self.message_user(
                    request,
                    _("Ca thi “%(name)s”: %(reason)s")
                    % {"name": session.name, "reason": refused.message},
                    messages.ERROR,
                )
        self.message_user(
            request,
            ngettext(
                "Đã rút trước %(count)d đề thi.",
                "Đã rút trước %(count)d đề thi.",
                total,
            )
            % {"count": total},
            messages.SUCCESS,
        )
