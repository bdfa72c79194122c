"""Appeals in the admin: the list (scoped to the registration's unit, like every admin page),
each appeal read only, and the answer page (`…/appeal/<id>/tra-loi/`), which calls
scoring.services.appeals.appeal_answer: accepted or rejected, the answer text, who and when
recorded by the service, once."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contests.admin_scoping import ScopedModelAdmin
from contests.refusals import Refused
from scoring.models import Appeal
from scoring.models.appeals import ANSWER_MAX
from scoring.services.appeals import appeal_answer


class AppealAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Quyết định"),
        widget=forms.RadioSelect,
        choices=[
            (Appeal.Status.ACCEPTED, _("Chấp nhận")),
            (Appeal.Status.REJECTED, _("Không chấp nhận")),
        ],
        error_messages={
            "required": _("Vui lòng chọn chấp nhận hoặc không chấp nhận."),
            "invalid_choice": _("Vui lòng chọn chấp nhận hoặc không chấp nhận."),
        },
    )
    answer = forms.CharField(
        label=_("Trả lời người dự thi"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        # The service checks the length and says it in Vietnamese; the browser is told too.
        max_length=ANSWER_MAX,
        error_messages={
            "required": _("Vui lòng nhập nội dung trả lời."),
            "max_length": _("Nội dung trả lời tối đa %(limit_value)d ký tự."),
        },
    )


@admin.register(Appeal)
class AppealAdmin(ScopedModelAdmin):
    unit_path_field = "registration__unit__path"
    list_display = [
        "id",
        "contest",
        "registration",
        "attempt_number",
        "filed_at",
        "status",
        "answered_by",
        "answered_at",
        "answer_link",
    ]
    list_filter = ["status", "contest"]
    list_select_related = ["contest", "registration__participant", "attempt", "answered_by"]
    fields = [
        "contest",
        "registration",
        "attempt",
        "snapshot",
        "text",
        "filed_by",
        "filed_at",
        "status",
        "answer",
        "answered_by",
        "answered_at",
        "answer_link",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # filed by citizens on their result page

    def has_delete_permission(self, request, obj=None):
        return False  # an appeal and its answer are audit: kept

    @admin.display(description=_("lần thi"))
    def attempt_number(self, obj):
        return obj.attempt.number

    @admin.display(description=_("trả lời"))
    def answer_link(self, obj):
        if obj is None or obj.pk is None or obj.status != Appeal.Status.PENDING:
            return "-"
        url = reverse("admin:scoring_appeal_answer", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Trả lời"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/tra-loi/",
                self.admin_site.admin_view(self.answer_view),
                name="scoring_appeal_answer",
            ),
            *super().get_urls(),
        ]

    def answer_view(self, request, pk: int):
        appeal = get_object_or_404(
            self.get_queryset(request).select_related(
                "contest", "registration__unit", "registration__participant", "attempt"
            ),
            pk=pk,
        )
        if not self.has_change_permission(request, appeal):
            raise PermissionDenied
        status = 200
        if request.method == "POST":
            form = AppealAnswerForm(request.POST)
            if form.is_valid():
                try:
                    appeal_answer(
                        appeal=appeal,
                        user=request.user,
                        status=form.cleaned_data["status"],
                        answer=form.cleaned_data["answer"],
                    )
                except Refused as refused:
                    form.add_error(None, refused.message)
                else:
                    messages.success(request, _("Đã ghi nhận trả lời đơn phúc khảo."))
                    return redirect("admin:scoring_appeal_change", appeal.pk)
            status = 400
        else:
            form = AppealAnswerForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": appeal,
            "form": form,
            "answered": appeal.status != Appeal.Status.PENDING,
            "title": _("Trả lời đơn phúc khảo"),
        }
        return TemplateResponse(request, "scoring/admin_appeal_answer.html", context, status=status)
