"""Admin for grading's audit rows, every page scoped to the organiser's subtree:
disqualifications (decided and revoked through the services), answer-key fixes (with the form
that starts a regrade) and regrade jobs (with a progress page), published result snapshots."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from contests.access import answer_key_visible_to
from contests.admin_scoping import ScopedModelAdmin, scope_queryset
from contests.models import Question
from participants.models import Registration
from scoring.models import AnswerKeyChange, Disqualification, RegradeJob, ResultsSnapshot
from scoring.services.disqualification import disqualification_revoke, registration_disqualify
from scoring.services.regrade import answer_key_fix, regrade_enqueue


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DisqualificationForm(forms.ModelForm):
    class Meta:
        model = Disqualification
        fields = ["registration", "reason_code", "note"]

    def clean_registration(self):
        registration = self.cleaned_data["registration"]
        if Disqualification.objects.filter(
            registration=registration, revoked_at__isnull=True
        ).exists():
            raise ValidationError(_("Người dự thi này đã bị truất quyền."))
        return registration


@admin.register(Disqualification)
class DisqualificationAdmin(ScopedModelAdmin):
    unit_path_field = "registration__unit__path"
    form = DisqualificationForm
    list_display = ["registration", "contest", "reason_code", "created_by", "created_at", "active"]
    list_filter = ["reason_code", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["registration__participant", "contest", "created_by"]
    search_fields = ["=registration__id", "registration__participant__full_name"]
    raw_id_fields = ["registration"]
    actions = ["revoke"]

    @admin.display(description=_("còn hiệu lực"), boolean=True)
    def active(self, obj):
        return obj.revoked_at is None

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in Disqualification._meta.fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "registration":
            kwargs["queryset"] = scope_queryset(
                Registration.objects.all(), user=request.user, unit_path_field="unit__path"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # decisions are revoked, never deleted

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = registration_disqualify(
            registration=form.cleaned_data["registration"],
            reason_code=form.cleaned_data["reason_code"],
            note=form.cleaned_data.get("note", ""),
            user=request.user,
        )
        obj.pk = created.pk
        obj.created_at = created.created_at

    @admin.action(description=_("Huỷ quyết định truất quyền đã chọn"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for disqualification in queryset.filter(revoked_at__isnull=True):
            try:
                disqualification_revoke(disqualification=disqualification, user=request.user)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
            except PermissionDenied as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                revoked += 1
        self.message_user(
            request, _("Đã huỷ %(n)s quyết định truất quyền.") % {"n": revoked}, messages.SUCCESS
        )


@admin.register(AnswerKeyChange)
class AnswerKeyChangeAdmin(ReadOnlyMixin, ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    list_display = ["question", "contest", "before_text", "after_text", "by", "at", "job"]
    list_select_related = ["question", "contest", "by", "job"]
    fields = ["question", "contest", "before_text", "after_text", "by", "at", "job"]
    readonly_fields = fields

    def get_queryset(self, request):
        # The stored keys are option ids: shown by the options' positions and texts.
        return super().get_queryset(request).prefetch_related("question__options")

    def _key_text(self, obj, option_ids):
        options = {o.pk: o for o in obj.question.options.all()}
        shown = (
            sorted((options[i] for i in option_ids if i in options), key=lambda o: o.position)
            if isinstance(option_ids, list)
            else []
        )
        return "; ".join(f"{o.position}. {o.text}" for o in shown) or "—"

    @admin.display(description=_("đáp án trước"))
    def before_text(self, obj):
        return self._key_text(obj, obj.before)

    @admin.display(description=_("đáp án sau"))
    def after_text(self, obj):
        return self._key_text(obj, obj.after)

    def has_view_permission(self, request, obj=None):
        # Before and after are answer keys.
        if obj is not None and not answer_key_visible_to(user=request.user, contest=obj.contest):
            return False
        return super().has_view_permission(request, obj)


class AnswerKeyForm(forms.Form):
    correct = forms.MultipleChoiceField(
        label=_("Phương án đúng"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        options = list(question.options.order_by("position"))
        self.fields["correct"].choices = [(o.pk, f"{o.position}. {o.text}") for o in options]
        self.fields["correct"].initial = [o.pk for o in options if o.is_correct]


@admin.register(RegradeJob)
class RegradeJobAdmin(ReadOnlyMixin, ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    list_display = ["id", "contest", "question", "status", "done", "total", "created_at"]
    list_filter = ["status"]
    list_select_related = ["contest", "question"]
    actions = ["run_again"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:job_id>/tien-do/", wrap(self.progress_view), name="scoring_regrade_progress"
            ),
            path(
                "sua-dap-an/<int:question_id>/",
                wrap(self.answer_key_view),
                name="scoring_answer_key_fix",
            ),
            *super().get_urls(),
        ]

    def _job_or_404(self, request, job_id):
        queryset = self.get_queryset(request)
        return get_object_or_404(queryset.select_related("contest", "question"), pk=job_id)

    def progress_view(self, request, job_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = self._job_or_404(request, job_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tiến độ chấm lại"),
            "job": job,
            "running": job.status in (RegradeJob.Status.QUEUED, RegradeJob.Status.RUNNING),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "scoring/grading/regrade_progress.html", context)

    def answer_key_view(self, request, question_id):
        if not request.user.has_perm("contests.change_question"):
            raise PermissionDenied
        question = (
            Question.objects.select_related("contest__owner_unit").filter(pk=question_id).first()
        )
        # The page shows (and changes) the key: the owner side's only; others learn nothing.
        if question is None or not answer_key_visible_to(
            user=request.user, contest=question.contest
        ):
            raise Http404(_("Không tìm thấy câu hỏi."))
        form = AnswerKeyForm(request.POST or None, question=question)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    job = answer_key_fix(
                        question=question,
                        correct_option_ids=form.cleaned_data["correct"],
                        user=request.user,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("Đã sửa đáp án; đang chấm lại %(n)s bài thi.") % {"n": job.total},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:scoring_regrade_progress", args=[job.pk])
                    )
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": _("Sửa đáp án và chấm lại"),
            "question": question,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "scoring/grading/answer_key_fix.html", context, status=status
        )

    @admin.action(description=_("Chạy lại các đợt chấm lại chưa xong"), permissions=["view"])
    def run_again(self, request, queryset):
        jobs = queryset.exclude(status=RegradeJob.Status.DONE)
        queued = sum(1 for job in jobs if regrade_enqueue(job_id=job.pk))
        self.message_user(request, _("Đã đưa %(n)s đợt vào hàng đợi.") % {"n": queued})


@admin.register(ResultsSnapshot)
class ResultsSnapshotAdmin(ReadOnlyMixin, ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    list_display = ["contest", "version", "published_by", "published_at"]
    list_select_related = ["contest", "published_by"]
    exclude = ["prizes"]
