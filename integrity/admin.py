"""The review queue of anomaly flags, scoped to the organiser's subtree by the flagged
registration's unit (like every scoped admin: contests.admin_scoping). Read-only rows; the
two decisions are actions on the list, each asking for a reason on a page of its own and
calling one service (integrity.services.decisions). Nothing is decided automatically."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from contests.admin_scoping import ScopedModelAdmin
from contests.models import Contest
from integrity.evidence import evidence_text
from integrity.models import AnomalyFlag
from integrity.rules.decisions import REASON_MAX
from integrity.services.decisions import flag_clear, flag_disqualify
from integrity.tasks import detection_enqueue


class FlagDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do quyết định"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={
            "required": _("Vui lòng ghi lý do quyết định."),
            "max_length": _("Lý do dài tối đa %(limit_value)s ký tự."),
        },
    )


class ScanForm(forms.Form):
    contest = forms.ModelChoiceField(
        label=_("Cuộc thi"),
        queryset=Contest.objects.none(),
        error_messages={
            "required": _("Vui lòng chọn cuộc thi."),
            "invalid_choice": _("Vui lòng chọn một cuộc thi trong danh sách."),
        },
    )

    def __init__(self, *args, contests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contest"].queryset = contests


@admin.register(AnomalyFlag)
class AnomalyFlagAdmin(ScopedModelAdmin):
    unit_path_field = "registration__unit__path"
    list_display = (
        "kind",
        "person",
        "unit",
        "evidence_sentence",
        "status",
        "group_link",
    )
    list_filter = ("kind", "status", "contest")
    list_select_related = ("registration__participant", "registration__unit", "contest")
    search_fields = ("registration__participant__full_name",)
    fields = (
        "contest",
        "kind",
        "person",
        "unit",
        "attempt_number",
        "evidence_sentence",
        "group_link",
        "detected_at",
        "status",
        "decided_by",
        "decided_at",
        "reason",
    )
    readonly_fields = fields
    actions = ["clear_flags", "disqualify_flags"]
    change_list_template = "admin/integrity/anomalyflag/change_list.html"

    def has_add_permission(self, request):
        return False  # found by detection only

    def has_delete_permission(self, request, obj=None):
        return False  # a decision is audit: kept

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("người dự thi"), ordering="registration__participant__full_name")
    def person(self, obj):
        return obj.registration.participant.full_name if obj.registration else "-"

    @admin.display(description=_("đơn vị"))
    def unit(self, obj):
        return obj.registration.unit.name if obj.registration else "-"

    @admin.display(description=_("lần thi"))
    def attempt_number(self, obj):
        return obj.attempt.number if obj.attempt_id else "-"

    @admin.display(description=_("bằng chứng"))
    def evidence_sentence(self, obj):
        return evidence_text(obj.kind, obj.evidence)

    @admin.display(description=_("nhóm"))
    def group_link(self, obj):
        if not obj.group_key:
            return "-"
        url = reverse("admin:integrity_anomalyflag_changelist")
        query = urlencode({"group_key": obj.group_key})
        return format_html('<a href="{}?{}">{}</a>', url, query, _("Xem cả nhóm"))

    # --- Scan now (the hourly scan runs anyway) ------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_scan": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "quet/",
                self.admin_site.admin_view(self.scan_view),
                name="integrity_anomalyflag_scan",
            ),
            *super().get_urls(),
        ]

    def scan_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        # The contests the organiser sees in the admin (their own and those they take part in).
        contests = (
            self.admin_site.get_model_admin(Contest).get_queryset(request).order_by("-opens_at")
        )
        data = request.POST if request.method == "POST" else None
        form = ScanForm(data, contests=contests)
        if request.method == "POST" and form.is_valid():
            contest = form.cleaned_data["contest"]
            if detection_enqueue(contest_id=contest.pk):
                messages.success(
                    request,
                    _("Đã bắt đầu quét “%(title)s”; các dấu hiệu mới sẽ hiện trong danh sách.")
                    % {"title": contest.title},
                )
            else:
                messages.warning(
                    request, _("Chưa quét được lúc này; hệ thống sẽ tự quét trong vòng một giờ.")
                )
            return redirect("admin:integrity_anomalyflag_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Quét tìm dấu hiệu bất thường"),
            "form": form,
        }
        return TemplateResponse(request, "admin/integrity/anomalyflag/scan.html", context)

    # --- The two decisions --------------------------------------------------------------------

    @admin.action(description=_("Bỏ qua (không vi phạm)"), permissions=["change"])
    def clear_flags(self, request, queryset):
        return self._decide(request, queryset, action="clear_flags", service=flag_clear)

    @admin.action(description=_("Truất quyền dự thi"), permissions=["change"])
    def disqualify_flags(self, request, queryset):
        return self._decide(request, queryset, action="disqualify_flags", service=flag_disqualify)

    def _decide(self, request, queryset, *, action: str, service):
        """First the page that shows the chosen flags and asks the reason; its "apply" POST
        decides each open one through `service`. The queryset is the scoped changelist's, so
        a flag outside the organiser's subtree is never among them."""
        flags = list(
            queryset.select_related(
                "registration__participant", "registration__unit", "registration__contest"
            ).order_by("pk")
        )
        form = FlagDecisionForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done, refused = 0, []
            for flag in flags:
                if flag.status != AnomalyFlag.Status.OPEN:
                    refused.append(_("%(flag)s: đã được xử lý trước đó.") % {"flag": flag})
                    continue
                try:
                    service(flag=flag, user=request.user, reason=form.cleaned_data["reason"])
                except (ValidationError, PermissionDenied) as exc:
                    text = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                    refused.append(f"{flag}: {text}")
                else:
                    done += 1
            if done:
                messages.success(
                    request, _("Đã ghi nhận quyết định cho %(n)s dấu hiệu.") % {"n": done}
                )
            for text in refused:
                messages.warning(request, text)
            return None
        titles = {
            "clear_flags": _("Bỏ qua (không vi phạm)"),
            "disqualify_flags": _("Truất quyền dự thi"),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": titles[action],
            "action": action,
            "flags": [(flag, evidence_text(flag.kind, flag.evidence)) for flag in flags],
            "form": form,
            "disqualify": action == "disqualify_flags",
        }
        return TemplateResponse(request, "admin/integrity/anomalyflag/decide.html", context)
