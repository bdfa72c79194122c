"""Judging in the admin, scoped to the organiser's subtree: judges (an account made here: not
staff, in the judge group; they mark on /cham-thi/), panels (with the balanced assignment,
forwarding and closing as actions, a progress page and the marks export), assignments (by
hand, and taking back an unmarked one). Every decision is a service of essays.services.judging
and its rules; the forms only turn their refusals into Vietnamese field errors."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, password_validation
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from contests.admin_scoping import ScopedModelAdmin
from contests.refusals import Refused
from contests.selectors import path_prefix_for
from essays.exports import panel_marks_xlsx
from essays.models import Assignment, Entry, Judge, Panel
from essays.rules.assignment import hand_assignment_refusal
from essays.selectors.judging import panel_entries, panel_progress
from essays.services import judging as services

# --- judges ---------------------------------------------------------------------------------


class JudgeAddForm(forms.ModelForm):
    username = forms.CharField(label=gettext_lazy("tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("họ và tên"), max_length=150)
    password = forms.CharField(
        label=gettext_lazy("mật khẩu"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text=gettext_lazy("Giám khảo đăng nhập bằng tên và mật khẩu này để chấm bài."),
    )

    class Meta:
        model = Judge
        fields = ["home_unit"]
        help_texts = {
            "home_unit": gettext_lazy(
                "Phòng, ban, cơ quan hoặc phường nơi giám khảo công tác (ví dụ Công an quận, "
                "Phòng Giáo dục và Đào tạo). Giám khảo không chấm bài của người dự thi thuộc "
                "đơn vị này và các đơn vị trực thuộc; chọn cả quận thì không chấm được bài nào "
                "của quận."
            )
        }

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


@admin.register(Judge)
class JudgeAdmin(ScopedModelAdmin):
    unit_path_field = "home_unit__path"
    list_display = ["__str__", "username", "home_unit", "panel_names"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "home_unit"]
    ordering = ["user__username"]
    fields = ["home_unit"]
    autocomplete_fields = ["home_unit"]

    @admin.display(description=gettext_lazy("tên đăng nhập"), ordering="user__username")
    def username(self, obj):
        return obj.user.get_username()

    @admin.display(description=gettext_lazy("ban giám khảo"))
    def panel_names(self, obj):
        return ", ".join(p.name for p in obj.panels.all())

    def get_queryset(self, request):
        """Judges who work in the subtree, and judges from elsewhere who sit on a panel of
        the subtree (a department's expert on a district panel, appointed by the city): the
        district sees who marks its entries."""
        queryset = admin.ModelAdmin.get_queryset(self, request).prefetch_related("panels")
        prefix = path_prefix_for(user=request.user)
        if prefix is None:
            return queryset.none()
        if prefix == "":
            return queryset
        return queryset.filter(
            pk__in=Judge.objects.filter(
                Q(home_unit__path__startswith=prefix) | Q(panels__unit__path__startswith=prefix)
            ).values("pk")
        )

    def get_readonly_fields(self, request, obj=None):
        prefix = path_prefix_for(user=request.user)
        if obj is not None and (prefix is None or not obj.home_unit.path.startswith(prefix)):
            return ["home_unit"]  # a judge from outside the subtree: their unit is not ours to set
        return super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = JudgeAddForm
            kwargs["fields"] = ["home_unit"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["username", "full_name", "password", "home_unit"]})]
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        judge = services.judge_add(
            username=form.cleaned_data["username"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password"],
            home_unit=form.cleaned_data["home_unit"],
            by=request.user,
        )
        obj.pk, obj.user = judge.pk, judge.user
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        # A judge who marked stays (marks are evidence): take them out of panels instead.
        if obj is not None and obj.assignments.exists():
            return False
        return super().has_delete_permission(request, obj)


# --- panels ---------------------------------------------------------------------------------


class PanelForm(forms.ModelForm):
    class Meta:
        model = Panel
        fields = ["task", "unit", "stage", "name", "judges"]

    def clean(self):
        data = super().clean()
        task, unit, stage = data.get("task"), data.get("unit"), data.get("stage")
        if task and unit and stage:
            if stage == Entry.Stage.FINAL and unit.pk != task.contest.owner_unit_id:
                self.add_error(
                    "unit",
                    _("Ban giám khảo chung khảo thuộc đơn vị tổ chức cuộc thi (%(unit)s).")
                    % {"unit": task.contest.owner_unit.name},
                )
            others = Panel.objects.filter(task=task, unit=unit, stage=stage)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("unit", _("Đơn vị này đã có ban giám khảo cho vòng chấm này."))
        return data


@admin.register(Panel)
class PanelAdmin(ScopedModelAdmin):
    form = PanelForm
    unit_path_field = "unit__path"
    list_display = ["name", "task", "unit", "stage", "judge_count", "closed_at", "links"]
    list_filter = ["task", "stage"]
    list_select_related = ["task", "unit"]
    search_fields = ["name"]
    filter_horizontal = ["judges"]
    readonly_fields = ["closed_at"]
    autocomplete_fields = ["unit"]
    actions = ["assign_action", "forward_action", "close_action"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("judges")

    @admin.display(description=gettext_lazy("số giám khảo"))
    def judge_count(self, obj):
        return len(obj.judges.all())

    @admin.display(description=gettext_lazy("tiến độ"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:essays_panel_progress", args=[obj.pk]),
            _("Tiến độ chấm"),
            reverse("admin:essays_panel_export", args=[obj.pk]),
            _("Xuất điểm (xlsx)"),
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/tien-do/",
                self.admin_site.admin_view(self.progress_view),
                name="essays_panel_progress",
            ),
            path(
                "<int:object_id>/xuat-diem/",
                self.admin_site.admin_view(self.export_view),
                name="essays_panel_export",
            ),
            *super().get_urls(),
        ]

    def _panel_or_404(self, request, object_id):
        if not self.has_view_permission(request):
            raise Http404
        panel = (
            self.get_queryset(request).select_related("task", "unit").filter(pk=object_id).first()
        )
        if panel is None:
            raise Http404(_("Không tìm thấy ban giám khảo."))
        return panel

    def progress_view(self, request, object_id):
        panel = self._panel_or_404(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Tiến độ chấm: %(name)s") % {"name": panel.name},
            "panel": panel,
            "progress": panel_progress(panel),
        }
        return TemplateResponse(request, "admin/essays/panel_progress.html", context)

    def export_view(self, request, object_id):
        panel = self._panel_or_404(request, object_id)
        response = HttpResponse(
            panel_marks_xlsx(panel),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="diem-cham-ban-{panel.pk}.xlsx"'
        return response

    def _each(self, request, queryset, act, done):
        for panel in queryset.select_related("task", "unit"):
            try:
                result = act(panel=panel, by=request.user)
            except Refused as refused:
                self.message_user(request, f"{panel.name}: {refused.message}", messages.ERROR)
            else:
                self.message_user(request, f"{panel.name}: {done(result)}", messages.SUCCESS)

    @admin.action(description=gettext_lazy("Phân công chấm (ngẫu nhiên, cân bằng)"))
    def assign_action(self, request, queryset):
        def done(outcome):
            text = ngettext(
                "đã phân công %(n)s lượt chấm.", "đã phân công %(n)s lượt chấm.", outcome.created
            ) % {"n": outcome.created}
            if outcome.unplaced:
                text += " " + _(
                    "Các bài không đủ 2 giám khảo không cùng đơn vị, cần phân công tay: %(codes)s."
                ) % {"codes": ", ".join(outcome.unplaced[:50])}
            return text

        self._each(request, queryset, services.panel_assign, done)

    @admin.action(description=gettext_lazy("Gửi bài xuất sắc lên thành phố (sơ khảo)"))
    def forward_action(self, request, queryset):
        self._each(
            request,
            queryset,
            services.panel_forward,
            lambda best: _("đã gửi %(n)s bài lên ban giám khảo chung khảo.") % {"n": len(best)},
        )

    @admin.action(description=gettext_lazy("Chốt điểm chung khảo"))
    def close_action(self, request, queryset):
        self._each(request, queryset, services.panel_close, lambda _p: _("đã chốt điểm."))

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.assignments.exists():
            return False
        return super().has_delete_permission(request, obj)


# --- assignments ----------------------------------------------------------------------------


class AssignmentAddForm(forms.ModelForm):
    entry_code = forms.CharField(label=gettext_lazy("mã bài"), max_length=12)

    class Meta:
        model = Assignment
        fields = ["panel", "judge"]

    def clean(self):
        data = super().clean()
        panel, judge, code = data.get("panel"), data.get("judge"), data.get("entry_code")
        if not (panel and judge and code):
            return data
        entry = (
            panel_entries(panel)
            .select_related("registration__unit")
            .filter(code=code.strip().upper())
            .first()
        )
        if entry is None:
            self.add_error("entry_code", _("Không có bài mang mã này trong ban giám khảo đã chọn."))
            return data
        refusal = hand_assignment_refusal(
            judge_home_path=judge.home_unit.path,
            entry_unit_path=entry.registration.unit.path,
            judge_in_panel=panel.judges.filter(pk=judge.pk).exists(),
            already_assigned=Assignment.objects.filter(
                entry=entry, judge=judge, stage=panel.stage
            ).exists(),
            panel_closed=panel.closed_at is not None,
        )
        if refusal is not None:
            self.add_error("judge", str(refusal.message))
        data["entry"] = entry
        return data


@admin.register(Assignment)
class AssignmentAdmin(ScopedModelAdmin):
    unit_path_field = "panel__unit__path"
    list_display = ["entry_code", "panel", "judge", "stage", "turn", "marked_at", "total"]
    list_filter = ["panel", "stage", ("marked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["entry", "panel", "judge__user"]
    search_fields = ["entry__code"]
    ordering = ["panel", "entry__code", "turn"]
    fields = ["entry_code", "panel", "judge", "stage", "turn", "marked_at", "total"]
    readonly_fields = ["entry_code", "stage", "turn", "marked_at", "total"]

    @admin.display(description=gettext_lazy("mã bài"), ordering="entry__code")
    def entry_code(self, obj):
        return obj.entry.code

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AssignmentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["panel", "entry_code", "judge"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.marked_at is not None or obj.panel.closed_at is not None):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, through the service
        return actions

    def save_model(self, request, obj, form, change):
        assignment = services.assignment_add(
            panel=form.cleaned_data["panel"],
            entry=form.cleaned_data["entry"],
            judge=form.cleaned_data["judge"],
            by=request.user,
        )
        obj.pk = assignment.pk
        obj.entry = assignment.entry
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.assignment_remove(assignment=obj, by=request.user)
