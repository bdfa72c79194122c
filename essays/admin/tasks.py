"""Admin for essay tasks (the questions, how answers are given, the two deadlines, how many
go to the city, the third-judge gap, the multiple-choice weight) with the rubric inline.
Scoped to tasks of contests owned in the organiser's subtree."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from contests.admin_scoping import ScopedModelAdmin
from contests.models import Contest, Round
from contests.rich_text import rich_text_clean
from contests.selectors import path_prefix_for
from contests.widgets import RichTextEditor
from essays.models import Criterion, EssayTask


class EssayTaskForm(forms.ModelForm):
    class Meta:
        model = EssayTask
        fields = [
            "contest",
            "round",
            "title",
            "questions",
            "answer_mode",
            "word_limit",
            "max_upload_mb",
            "opens_at",
            "unit_deadline",
            "city_deadline",
            "forward_top_n",
            "third_mark_gap",
            "mc_weight",
        ]
        widgets = {"questions": RichTextEditor()}

    def clean_questions(self):
        cleaned = rich_text_clean(self.cleaned_data.get("questions") or "")
        if not cleaned.strip():
            raise forms.ValidationError(_("Hãy nhập câu hỏi tự luận."))
        return cleaned

    def clean_third_mark_gap(self):
        gap = self.cleaned_data.get("third_mark_gap")
        if gap is not None and gap <= 0:
            raise forms.ValidationError(_("Độ lệch phải lớn hơn 0."))
        return gap

    def clean(self):
        cleaned = super().clean()
        opens, unit, city = (
            cleaned.get("opens_at"),
            cleaned.get("unit_deadline"),
            cleaned.get("city_deadline"),
        )
        if opens and unit and unit <= opens:
            self.add_error("unit_deadline", _("Hạn nộp về đơn vị phải sau thời gian bắt đầu."))
        if unit and city and city < unit:
            self.add_error(
                "city_deadline", _("Hạn gửi về thành phố không được trước hạn nộp về đơn vị.")
            )
        contest, round_ = cleaned.get("contest"), cleaned.get("round")
        if contest and round_ and round_.contest_id != contest.pk:
            self.add_error("round", _("Vòng thi này không thuộc cuộc thi đã chọn."))
        if cleaned.get("answer_mode") == EssayTask.AnswerMode.UPLOAD and cleaned.get("word_limit"):
            self.add_error(
                "word_limit", _("Số từ tối đa chỉ áp dụng khi có hình thức gõ trực tiếp.")
            )
        return cleaned


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    min_num = 1
    fields = ["order", "name", "description", "max_marks", "weight"]


@admin.register(EssayTask)
class EssayTaskAdmin(ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    form = EssayTaskForm
    inlines = [CriterionInline]
    list_display = ["title", "contest", "answer_mode", "unit_deadline", "city_deadline"]
    list_filter = ["contest", "answer_mode"]
    search_fields = ["title"]
    fieldsets = [
        (None, {"fields": ["contest", "round", "title", "questions"]}),
        (_("Bài dự thi"), {"fields": ["answer_mode", "word_limit", "max_upload_mb"]}),
        (_("Thời hạn"), {"fields": ["opens_at", "unit_deadline", "city_deadline"]}),
        (_("Chấm thi"), {"fields": ["forward_top_n", "third_mark_gap", "mc_weight"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contest")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only contests owned in the subtree (a city contest a district takes part in is the
        # city's to set up), and their rounds.
        prefix = path_prefix_for(user=request.user)
        contests = (
            Contest.objects.none()
            if prefix is None
            else Contest.objects.filter(owner_unit__path__startswith=prefix)
        )
        if db_field.name == "contest":
            kwargs["queryset"] = contests
        elif db_field.name == "round":
            kwargs["queryset"] = Round.objects.filter(contest__in=contests).select_related(
                "contest"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
