"""Attempts in admin: read only, scoped to the organiser's subtree through the registration's
unit, and read like a document (who, when, how long, the result, and the answer sheet:
questions in display order, the chosen and the correct option). The sheet is shown only where
`answer_key_visible_to` allows: of a perfect attempt, the chosen options are the key.

A registration's page lists its attempts (RegistrationWithAttemptsAdmin below): attempts live
in scoring, and participants never imports scoring, so the registration admin is registered
again here with them, as the duplicate queue is in duplicates.py."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contests.access import answer_key_visible_to
from contests.admin_scoping import ScopedModelAdmin
from contests.models import Option
from participants.admin import RegistrationAdmin
from participants.models import Registration
from scoring.models import Attempt
from scoring.rules.attempt_document import OptionFact, answer_sheet, duration_text, moment_text


class AttemptDocumentMixin:
    """Read-only columns that show an attempt's facts as a person reads them."""

    @admin.display(description=_("bắt đầu lúc"), ordering="started_at")
    def started(self, obj):
        return moment_text(obj.started_at)

    @admin.display(description=_("hạn nộp bài"))
    def deadline_at(self, obj):
        return moment_text(obj.deadline)

    @admin.display(description=_("kết thúc lúc"), ordering="finished_at")
    def finished(self, obj):
        return moment_text(obj.finished_at)

    @admin.display(description=_("gửi bài lúc"))
    def submitted(self, obj):
        return moment_text(obj.submitted_at)

    @admin.display(description=_("chấm lúc"))
    def graded(self, obj):
        return moment_text(obj.graded_at)

    @admin.display(description=_("thời gian làm bài"), ordering="duration_ms")
    def duration(self, obj):
        return duration_text(obj.duration_ms)

    @admin.display(description=_("trạng thái"), ordering="status")
    def status_text(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("số câu đúng"), ordering="correct_count")
    def result_text(self, obj):
        if obj.correct_count is None:
            return _("chưa chấm")
        return _("%(right)s/%(total)s câu") % {
            "right": obj.correct_count,
            "total": obj.question_count,
        }


@admin.register(Attempt)
class AttemptAdmin(AttemptDocumentMixin, ScopedModelAdmin):
    """Attempts change only through the services (start, autosave, submit, grading): the
    admin shows them, never edits them."""

    unit_path_field = "registration__unit__path"
    list_display = (
        "id",
        "participant_name",
        "contest",
        "round",
        "number",
        "status_text",
        "result_text",
        "started",
        "finished",
        "duration",
    )
    list_filter = ("status", "contest")
    search_fields = ("=id", "registration__participant__full_name")
    list_select_related = ("registration__participant", "contest", "round")
    date_hierarchy = "started_at"
    show_full_result_count = False
    fieldsets = [
        (
            _("Người dự thi"),
            {"fields": ["participant_name", "registration", "contest", "round", "number"]},
        ),
        (
            _("Thời gian"),
            {"fields": ["started", "deadline_at", "finished", "submitted", "graded", "duration"]},
        ),
        (
            _("Kết quả"),
            {"fields": ["status_text", "result_text", "score", "all_correct", "prediction"]},
        ),
        (_("Bài làm"), {"fields": ["answer_sheet"]}),
    ]
    readonly_fields = [name for _title, fieldset in fieldsets for name in fieldset["fields"]]
    # The drawn questions and the chosen options: of a perfect attempt, they are the key.
    KEY_FIELDS = ("answer_sheet",)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not answer_key_visible_to(user=request.user, contest=obj.contest):
            return [(title, f) for title, f in fieldsets if set(f["fields"]) - set(self.KEY_FIELDS)]
        return fieldsets

    @admin.display(description=_("người dự thi"), ordering="registration__participant__full_name")
    def participant_name(self, obj):
        return obj.registration.participant.full_name

    @admin.display(description=_("câu hỏi, phương án đã chọn và đáp án đúng"))
    def answer_sheet(self, obj):
        question_ids = [item.get("q") for item in obj.items if isinstance(item, dict)]
        options = {
            o.pk: OptionFact(question_text=o.question.text, text=o.text, is_correct=o.is_correct)
            for o in Option.objects.filter(question_id__in=question_ids).select_related("question")
        }
        rows = answer_sheet(items=obj.items, answers=obj.answers, options=options)
        return render_to_string("admin/scoring/attempt/answer_sheet.html", {"rows": rows})

    def get_queryset(self, request):
        # Loaded on the one page that shows them (the document), not for each list row.
        return super().get_queryset(request).defer("items", "answers")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttemptInline(AttemptDocumentMixin, admin.TabularInline):
    """A registration's attempts, one line each, with a link to the attempt's document."""

    model = Attempt
    fk_name = "registration"
    fields = (
        "document_link",
        "round",
        "status_text",
        "result_text",
        "started",
        "finished",
        "duration",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ("round", "number")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("round").defer("items", "answers")

    @admin.display(description=_("lần thi"))
    def document_link(self, obj):
        url = reverse("admin:scoring_attempt_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Lần %(n)s") % {"n": obj.number})

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RegistrationWithAttemptsAdmin(RegistrationAdmin):
    inlines = [*RegistrationAdmin.inlines, AttemptInline]


if admin.site.is_registered(Registration):
    admin.site.unregister(Registration)
admin.site.register(Registration, RegistrationWithAttemptsAdmin)
