"""Participation targets (chỉ tiêu) per unit and contest, scoped to the organiser's subtree
by the target's unit. An organiser's own unit belongs to the level above: its target (set
there) is seen, not changed. "Đặt chỉ tiêu cho các đơn vị trực thuộc" gives every child of a
unit N % of its headcount in one step (contests.services.targets)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from contests.admin_scoping import ScopedModelAdmin
from contests.models import Contest, Unit, UnitTarget
from contests.selectors import contests_visible_q, organiser_unit, sees_everything, units_visible_to
from contests.services.targets import unit_targets_set_for_children


def _target_contests(user):
    q = contests_visible_q(user=user)
    if q is None:
        return Contest.objects.none()
    return Contest.objects.filter(q).order_by("-opens_at")


def _own_unit(user) -> Unit | None:
    return None if sees_everything(user=user) else organiser_unit(user=user)


class UnitTargetForm(forms.ModelForm):
    class Meta:
        model = UnitTarget
        fields = ["contest", "unit", "people", "percent"]

    def clean(self):
        cleaned = super().clean()
        people, percent = cleaned.get("people"), cleaned.get("percent")
        if (people is None) == (percent is None):
            raise ValidationError(
                _("Nhập chỉ tiêu theo số người hoặc theo tỷ lệ phần trăm, chỉ một trong hai.")
            )
        if people is not None and people < 1:
            self.add_error("people", _("Chỉ tiêu phải có ít nhất 1 người."))
        if percent is not None and not 1 <= percent <= 100:
            self.add_error("percent", _("Tỷ lệ phải từ 1 đến 100 %."))
        unit, contest = cleaned.get("unit"), cleaned.get("contest")
        if percent is not None and unit is not None and not unit.headcount:
            self.add_error(
                "percent",
                _("Đơn vị này chưa có số người (biên chế/dân số): hãy đặt chỉ tiêu theo số người."),
            )
        if unit is not None and contest is not None:
            if not unit.path.startswith(contest.participation_root.path):
                self.add_error("unit", _("Đơn vị này không tham gia cuộc thi đã chọn."))
            elif (
                UnitTarget.objects.filter(contest=contest, unit=unit)
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                self.add_error("unit", _("Đơn vị này đã có chỉ tiêu trong cuộc thi."))
        return cleaned


class ChildrenTargetForm(forms.Form):
    contest = forms.ModelChoiceField(label=_("Cuộc thi"), queryset=Contest.objects.none())
    parent = forms.ModelChoiceField(label=_("Đơn vị cấp trên"), queryset=Unit.objects.none())
    percent = forms.IntegerField(
        # xgettext:no-python-format
        label=_("Chỉ tiêu (% số người của mỗi đơn vị)"),
        min_value=1,
        max_value=100,
    )
    replace = forms.BooleanField(
        label=_("Thay cả chỉ tiêu đã đặt trước đây"),
        required=False,
        help_text=_("Không chọn: đơn vị đã có chỉ tiêu được giữ nguyên."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contest"].queryset = _target_contests(user)
        self.fields["parent"].queryset = units_visible_to(user=user).order_by("path")
        self.fields["parent"].initial = organiser_unit(user=user)

    def clean(self):
        cleaned = super().clean()
        contest, parent = cleaned.get("contest"), cleaned.get("parent")
        if (
            contest is not None
            and parent is not None
            and not parent.path.startswith(contest.participation_root.path)
        ):
            self.add_error("parent", _("Đơn vị này không tham gia cuộc thi đã chọn."))
        return cleaned


@admin.register(UnitTarget)
class UnitTargetAdmin(ScopedModelAdmin):
    unit_path_field = "unit__path"
    form = UnitTargetForm
    change_list_template = "admin/contests/unittarget/change_list.html"
    list_display = ["unit", "contest", "people", "percent", "unit_headcount"]
    list_select_related = ["unit", "contest"]
    list_filter = ["contest"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    ordering = ["contest", "unit__path"]

    @admin.display(description=_("số người của đơn vị"))
    def unit_headcount(self, obj):
        if obj.unit.headcount is None:
            return "—"
        return number_format(obj.unit.headcount, force_grouping=True)

    def _is_own(self, request, obj) -> bool:
        own = _own_unit(request.user)
        return obj is not None and own is not None and obj.unit_id == own.pk

    def has_change_permission(self, request, obj=None):
        return not self._is_own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._is_own(request, obj) and super().has_delete_permission(request, obj)

    def get_field_queryset(self, db, db_field, request):
        if db_field.name == "contest":
            return _target_contests(request.user).using(db)
        queryset = super().get_field_queryset(db, db_field, request)
        own = _own_unit(request.user)
        if db_field.name == "unit" and own is not None:
            queryset = queryset.exclude(pk=own.pk)
        return queryset

    def get_urls(self):
        return [
            path(
                "dat-cho-don-vi-truc-thuoc/",
                self.admin_site.admin_view(self.children_view),
                name="contests_unittarget_children",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_add": self.has_add_permission(request)}
        return super().changelist_view(request, extra_context)

    def children_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ChildrenTargetForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            created, updated = unit_targets_set_for_children(
                contest=data["contest"],
                parent=data["parent"],
                percent=data["percent"],
                replace=data["replace"],
            )
            messages.success(
                request,
                _("Đã đặt chỉ tiêu %(percent)s%%: %(created)s đơn vị mới, %(updated)s đơn vị thay.")
                % {"percent": data["percent"], "created": created, "updated": updated},
            )
            return redirect(reverse("admin:contests_unittarget_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Đặt chỉ tiêu cho các đơn vị trực thuộc"),
            "form": form,
        }
        return TemplateResponse(request, "admin/contests/unittarget/children.html", context)
