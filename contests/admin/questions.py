"""Admin for the question bank: questions with their options inline (2–6, one correct),
saved through contests.services.questions (a used question gets a new version instead of
being changed), and the Excel import / export / template pages.

Scoped to questions of contests owned inside the organiser's subtree: a question carries the
answer key, so every page and file here also asks `contests.access.answer_key_visible_to` (a
district sees the city's contest read only, never its questions)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contest_site.untrusted import parse_id
from contests.access import answer_key_visible_to
from contests.admin_scoping import ScopedModelAdmin
from contests.forms import OptionInlineFormSet, QuestionAdminForm, QuestionImportForm
from contests.models import Contest, Option, Question, Topic
from contests.selectors import contests_owned_by, contests_visible_q
from contests.services.question_import import (
    MAX_UPLOAD_BYTES,
    QuestionImportError,
    question_bank_export,
    question_bank_import,
    question_bank_template,
)
from contests.services.questions import OptionData, question_create, question_update

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OptionInline(admin.TabularInline):
    model = Option
    formset = OptionInlineFormSet
    fields = ["text", "is_correct"]
    min_num = 2
    max_num = 6
    extra = 2
    validate_min = True
    validate_max = True

    def get_extra(self, request, obj=None, **kwargs):
        return 2 if obj is None else 0


@admin.register(Question)
class QuestionAdmin(ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    form = QuestionAdminForm
    change_list_template = "admin/contests/question/change_list.html"
    change_form_template = "admin/contests/question/change_form.html"
    inlines = [OptionInline]
    list_display = ["short_text", "topic", "difficulty", "pool", "version", "used", "is_active"]
    list_filter = [
        ("contest", admin.RelatedOnlyFieldListFilter),
        ("topic", admin.RelatedOnlyFieldListFilter),
        "difficulty",
        "pool",
        "is_active",
        "used",
    ]
    search_fields = ["text", "legal_reference"]
    list_select_related = ["topic"]
    readonly_fields = ["version", "used", "replaces"]
    actions = ["deactivate_selected"]
    fieldsets = [
        (None, {"fields": ["contest", "topic", "text", "difficulty", "pool"]}),
        (_("Giải thích và căn cứ pháp lý"), {"fields": ["explanation", "legal_reference"]}),
        (_("Trạng thái"), {"fields": ["is_active", "version", "used", "replaces"]}),
    ]

    @admin.display(description=_("câu hỏi"))
    def short_text(self, obj):
        return obj.text[:100]

    # --- scoping ------------------------------------------------------------------------------

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        owned = contests_owned_by(user=request.user)
        if db_field.name == "contest":
            kwargs["queryset"] = owned
        elif db_field.name == "topic":
            queryset = Topic.objects.filter(contest__in=owned).select_related("contest")
            object_id = parse_id(request.resolver_match.kwargs.get("object_id"))
            if object_id is not None:
                contest_id = (
                    Question.objects.filter(pk=object_id)
                    .values_list("contest_id", flat=True)
                    .first()
                )
                queryset = queryset.filter(contest_id=contest_id or 0)
            kwargs["queryset"] = queryset
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda t: f"{t.name} — {t.contest.title}"
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _key_visible(self, request, obj) -> bool:
        return obj is None or answer_key_visible_to(user=request.user, contest=obj.contest)

    def has_view_permission(self, request, obj=None):
        return self._key_visible(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if not self._key_visible(request, obj):
            return False
        # An older version (already replaced) is kept exactly as participants saw it.
        if obj is not None and Question.objects.filter(replaces=obj).exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.used:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a used question must never be deleted
        return actions

    @admin.action(description=_("Ngừng dùng các câu hỏi đã chọn"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(request, gettext("Đã ngừng dùng %(count)d câu hỏi.") % {"count": count})

    # --- saving through the service -----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Saved in save_related, once the options are known (one service call)."""

    def save_related(self, request, form, formsets, change):
        options_formset = formsets[0]
        options = [
            OptionData(f.cleaned_data["text"], bool(f.cleaned_data.get("is_correct")))
            for f in options_formset.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and (f.cleaned_data.get("text") or "").strip()
        ]
        data = form.cleaned_data
        fields = {
            "topic": data["topic"],
            "text": data["text"],
            "options": options,
            "explanation": data.get("explanation") or "",
            "legal_reference": data.get("legal_reference") or "",
            "difficulty": data["difficulty"],
            "is_active": data.get("is_active", True),
            "pool": data.get("pool") or Question.Pool.CONTEST,
            "user": request.user,
        }
        if change:
            original = Question.objects.get(pk=form.instance.pk)
            result = question_update(question=original, **fields)
            if result.pk != original.pk:
                self.message_user(
                    request,
                    gettext(
                        "Câu hỏi đã được dùng trong bài thi nên không sửa trực tiếp: đã tạo "
                        "phiên bản %(version)d và ngừng dùng phiên bản cũ."
                    )
                    % {"version": result.version},
                    level=messages.WARNING,
                )
        else:
            result = question_create(contest=data["contest"], **fields)
        # The admin's redirect and log entry use this same object: make it the version that
        # carries the edit.
        for field in Question._meta.concrete_fields:
            setattr(form.instance, field.attname, getattr(result, field.attname))
        form.instance._state.adding = False

    def construct_change_message(self, request, form, formsets, add=False):
        return [{"added": {}}] if add else [{"changed": {"fields": form.changed_data}}]

    def _changeform_view(self, request, object_id, form_url, extra_context):
        try:
            return super()._changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:  # the service's last word (e.g. replaced meanwhile)
            for message in error.messages:
                self.message_user(request, message, level=messages.ERROR)
            return redirect(request.get_full_path())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["question_used"] = bool(obj and obj.used)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Excel --------------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("nhap-excel/", wrap(self.import_view), name="contests_question_import"),
            path("xuat-excel/", wrap(self.export_view), name="contests_question_export"),
            path("mau-excel/", wrap(self.template_view), name="contests_question_template"),
            *super().get_urls(),
        ]

    def _contest_from(self, request, value) -> Contest:
        """The contest whose bank the request reads or writes: 404 if the organiser cannot
        see it at all, 403 if it sees it read only (the bank carries the answer key)."""
        contest_id = parse_id(value)
        if contest_id is None:
            raise Http404(gettext("Hãy chọn cuộc thi."))
        condition = contests_visible_q(user=request.user)
        contest = None
        if condition is not None:
            visible = Contest.objects.filter(condition).select_related("owner_unit")
            contest = visible.filter(pk=contest_id).first()
        if contest is None:
            raise Http404(gettext("Không có cuộc thi này."))
        if not answer_key_visible_to(user=request.user, contest=contest):
            raise PermissionDenied(
                gettext("Ngân hàng câu hỏi và đáp án chỉ dành cho đơn vị tổ chức cuộc thi.")
            )
        return contest

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        owned = list(contests_owned_by(user=request.user).order_by("-opens_at"))
        form = QuestionImportForm(request.POST or None, request.FILES or None)
        problems, contest = [], None
        selected = request.POST.get("contest") or request.GET.get("contest")
        if request.method == "POST":
            contest = self._contest_from(request, selected)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                if upload.size > MAX_UPLOAD_BYTES:
                    problems = [gettext("Tệp lớn quá 10 MB.")]
                else:
                    try:
                        result = question_bank_import(
                            contest=contest, data=upload.read(), user=request.user
                        )
                    except QuestionImportError as error:
                        problems = error.problems
                    else:
                        self.message_user(
                            request,
                            gettext("Đã nhập %(count)d câu hỏi vào “%(contest)s”.")
                            % {"count": result.created, "contest": contest.title},
                            level=messages.SUCCESS,
                        )
                        url = reverse("admin:contests_question_changelist")
                        return redirect(f"{url}?contest__id__exact={contest.pk}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Nhập câu hỏi từ Excel"),
            "form": form,
            "contests": owned,
            "selected": str(selected or ""),
            "problems": problems,
        }
        return TemplateResponse(
            request, "admin/contests/question/import.html", context, status=400 if problems else 200
        )

    def _xlsx(self, data: bytes, filename: str) -> HttpResponse:
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def export_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        contest = self._contest_from(request, request.GET.get("contest"))
        return self._xlsx(question_bank_export(contest=contest), f"cau-hoi-{contest.slug}.xlsx")

    def template_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        value = request.GET.get("contest")
        contest = self._contest_from(request, value) if value else None
        name = f"mau-cau-hoi-{contest.slug}.xlsx" if contest else "mau-cau-hoi.xlsx"
        return self._xlsx(question_bank_template(contest=contest), name)
