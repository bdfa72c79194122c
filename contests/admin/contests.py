"""Admin for contests: plan, rules, times, eligibility, rounds, excluded people, topics,
blueprint, prediction question and prize structures; publish / close with their checks; a
"Xem thử đề" preview of a drawn test. Publishing results is added by scoring/admin/results.py.

Scoping: an organiser manages the contests owned inside its subtree and sees, read only, the
contests whose participation tree contains its unit (the city contests it takes part in).
A district may still add its own prize structure (for its unit) inside such a contest, in
the prize structure admin."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from contest_site.untrusted import parse_id
from contests.access import answer_key_visible_to
from contests.admin.categories import CategoryInline
from contests.admin.children import ContestChildInline
from contests.admin.prizes import PrizeStructureInline
from contests.admin.units import UnitPickerMixin
from contests.admin_scoping import ScopedModelAdmin
from contests.forms import ContestAdminForm, RoundAdminForm
from contests.masking import can_view_full_identity, full_identity_view_record, mask_document
from contests.models import (
    Announcement,
    BlueprintItem,
    Contest,
    ContestChange,
    ExcludedPerson,
    Milestone,
    PrizeTier,
    Round,
    Topic,
)
from contests.rules.tie_breaks import CumulativeRule, TieBreak
from contests.selectors import (
    contest_owned_by,
    contest_test_preview,
    contests_owned_by,
    contests_visible_q,
)
from contests.services.contests import (
    contest_change_record,
    contest_close,
    contest_publish,
    contest_related_snapshot,
    contest_update,
    prize_budget,
    publish_problems,
)
from contests.templatetags.contest_tags import dong, vn_deadline, vn_time


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


class MilestoneInline(ContestChildInline, admin.TabularInline):
    model = Milestone
    extra = 0


class RoundInline(ContestChildInline, admin.TabularInline):
    model = Round
    form = RoundAdminForm
    extra = 0


class ExcludedPersonForm(forms.ModelForm):
    """A saved number is shown masked, and cannot be typed over, unless the page may show
    numbers in full (`show_full`, set per request on a subclass: admin instances are shared
    between threads); a new row is typed in full, as it must be to exclude someone."""

    show_full = False

    class Meta:
        model = ExcludedPerson
        fields = ["document_number", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.show_full and "document_number" in self.fields:
            self.fields["document_number"].disabled = True
            self.initial["document_number"] = mask_document(self.instance.document_number)

    def clean_document_number(self):
        if self.fields["document_number"].disabled:
            return self.instance.document_number  # never the masked text
        return self.cleaned_data["document_number"]


class ExcludedPersonInline(ContestChildInline, admin.TabularInline):
    """Excluded people (organisers, judges) are identified by document number: identity data,
    masked like everywhere else. In full only for accounts with the full-identity permission,
    and only once the view is written to the personal data access log (contests.masking)."""

    model = ExcludedPerson
    form = ExcludedPersonForm
    extra = 0
    readonly_fields = ["document_masked"]

    def _full_identity(self, request, obj) -> bool:
        """Decided (and logged) once per request and contest."""
        if obj is None or not can_view_full_identity(request.user):
            return False
        decided = request.__dict__.setdefault("_excluded_full_identity", {})
        if obj.pk not in decided:
            decided[obj.pk] = not obj.excluded.exists() or full_identity_view_record(
                user=request.user, action="view_excluded", target=f"contest:{obj.pk} excluded"
            )
        return decided[obj.pk]

    def get_fields(self, request, obj=None):
        if self._full_identity(request, obj) or self.has_change_permission(request, obj):
            return ["document_number", "reason"]
        return ["document_masked", "reason"]  # read only: the masked text, never the field

    def get_formset(self, request, obj=None, **kwargs):
        show_full = self._full_identity(request, obj)
        kwargs["form"] = type("ExcludedPersonRequestForm", (self.form,), {"show_full": show_full})
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("số giấy tờ"))
    def document_masked(self, obj):
        return mask_document(obj.document_number)


class TopicInline(ContestChildInline, admin.TabularInline):
    model = Topic
    extra = 0
    fields = ["name", "question_count"]
    readonly_fields = ["question_count"]

    @admin.display(description=_("số câu đang dùng"))
    def question_count(self, obj):
        if obj.pk is None:
            return "—"
        return obj.questions.filter(is_active=True).count()


class BlueprintItemInline(ContestChildInline, admin.TabularInline):
    model = BlueprintItem
    extra = 0
    fields = ["round", "topic", "difficulty", "count"]


# What each audit row is about, as an organiser reads it.
CHANGE_SUBJECTS = {
    "rules": _("Thông tin, thể lệ, thời gian"),
    "status": _("Trạng thái"),
    "prizes": _("Giải thưởng"),
    "blueprint": _("Cấu trúc đề"),
    "rounds": _("Các đợt thi"),
    "excluded": _("Người không được dự thi"),
    "question": _("Câu hỏi"),
    "answer_key": _("Đáp án"),
    "question_import": _("Nhập câu hỏi từ Excel"),
    "results_published": _("Công bố kết quả"),
    "disqualified": _("Truất quyền dự thi"),
    "disqualification_revoked": _("Huỷ truất quyền dự thi"),
    "announcement": _("Thông báo"),
    "categories": _("Đối tượng dự thi"),
}


# Keys of the audit data that are not contest fields (what the services record).
AUDIT_KEYS = {
    "prizes": _("giải thưởng"),
    "blueprint": _("cấu trúc đề"),
    "rounds": _("các đợt thi"),
    "excluded": _("người không được dự thi"),
    "id": _("mã câu hỏi"),
    "question": _("mã câu hỏi"),
    "ids": _("mã các câu hỏi"),
    "version": _("phiên bản"),
    "round": _("vòng thi"),
    "topic": _("mã chủ đề"),
    "text": _("nội dung"),
    "difficulty": _("độ khó"),
    "is_active": _("đang dùng"),
    "options": _("các phương án"),
    "correct": _("phương án đúng"),
    "correct_options": _("phương án đúng"),
    "created": _("số câu đã tạo"),
    "registration": _("mã đăng ký"),
    "disqualified": _("bị truất quyền"),
    "reason_code": _("lý do"),
    "categories": _("đối tượng dự thi (thứ tự, tên, khối)"),
    # contests.services.announcements
    "announcement": _("mã thông báo"),
    "announcement_kind": _("loại thông báo"),
    "announcement_title": _("tiêu đề"),
    "announcement_body": _("nội dung"),
    "announcement_published_at": _("đăng lúc"),
    "announcement_archived": _("đã lưu trữ"),
}


def _audit_value_text(value) -> str:
    """One audit value as plain text: lists joined, nested data flattened, HTML tags dropped,
    long texts cut (the row is a reminder of what changed, not a copy of the rules)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("có") if value else gettext("không")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_audit_value_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_audit_value_text(item) for item in value) or "—"
    return Truncator(strip_tags(str(value))).chars(300)


def _audit_value(key: str, value) -> str:
    if key == "status" and value in Contest.Status.values:
        return str(Contest.Status(value).label)
    if key == "tie_break_chain" and isinstance(value, list):
        # [] is the default chain; names shown by their labels.
        names = [str(TieBreak(n).label) if n in TieBreak.values else n for n in value]
        return " → ".join(names) or gettext("thứ tự mặc định")
    if key == "cumulative_rule" and value in CumulativeRule.values:
        return str(CumulativeRule(value).label)
    if key == "announcement_kind" and value in Announcement.Kind.values:
        return str(Announcement.Kind(value).label)
    if key == "announcement_published_at" and value:
        return vn_time(datetime.datetime.fromisoformat(value))
    if key == "excluded" and isinstance(value, list):
        # Document numbers: masked here as everywhere (the log is read by every owner).
        return ", ".join(mask_document(number) for number in value) or "—"
    return _audit_value_text(value)


def _audit_field_label(key: str) -> str:
    """A contest field's own label (the names organisers see on the form), else the key."""
    if key in AUDIT_KEYS:
        return str(AUDIT_KEYS[key])
    try:
        return str(Contest._meta.get_field(key.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return key


def audit_data_html(data: dict):
    """Before or after of a ContestChange as a short list "label: value", one line each."""
    if not data:
        return "—"
    return format_html(
        '<ul class="audit-values">{}</ul>',
        format_html_join(
            "",
            "<li><strong>{}</strong>: {}</li>",
            ((_audit_field_label(key), _audit_value(key, value)) for key, value in data.items()),
        ),
    )


class ContestChangeInline(admin.TabularInline):
    """The audit log, read only, newest first. Shown only to the organisers who own the
    contest (get_inline_instances asks has_view_permission with the contest)."""

    model = ContestChange
    extra = 0
    can_delete = False
    fields = ["at", "who", "subject", "before_display", "after_display"]
    readonly_fields = fields
    verbose_name_plural = pgettext_lazy("plural", "thay đổi sau khi công bố (nhật ký)")

    def get_queryset(self, request):
        # Not InlineModelAdmin.get_queryset: it asks has_view_permission *without* the
        # contest, which the owner check below refuses, and so returned no row at all.
        return ContestChange.objects.select_related("user").order_by("-at", "-id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # The parent page is already scoped; the log (answer keys included) is for owners only.
        return obj is not None and contest_owned_by(user=request.user, contest=obj)

    @admin.display(description=_("người thay đổi"))
    def who(self, obj):
        # Plain text: a link to the user admin would be a 403 for most organisers.
        if obj.user is None:
            return "—"
        return obj.user.get_full_name() or obj.user.get_username()

    @admin.display(description=_("nội dung"))
    def subject(self, obj):
        return CHANGE_SUBJECTS.get(obj.what, obj.what)

    @admin.display(description=_("trước"))
    def before_display(self, obj):
        return audit_data_html(obj.before)

    @admin.display(description=_("sau"))
    def after_display(self, obj):
        return audit_data_html(obj.after)


@admin.register(Contest)
class ContestAdmin(UnitPickerMixin, ScopedModelAdmin):
    unit_path_field = "owner_unit__path"
    autocomplete_fields = ["owner_unit", "participation_root"]
    unit_default_fields = ("owner_unit", "participation_root")
    form = ContestAdminForm
    change_form_template = "admin/contests/contest/change_form.html"
    list_display = ["title", "owner_unit", "status", "opens_display", "closes_display"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    readonly_fields = ["status", "budget_total", "blueprint_status"]
    actions = ["publish_selected", "close_selected"]
    inlines = [
        MilestoneInline,
        RoundInline,
        CategoryInline,
        ExcludedPersonInline,
        TopicInline,
        BlueprintItemInline,
        PrizeStructureInline,
        ContestChangeInline,
    ]
    fieldsets = [
        (_("Thông tin chung"), {"fields": ["owner_unit", "title", "slug", "summary", "status"]}),
        (_("Kế hoạch: mục đích, yêu cầu"), {"fields": ["purpose", "requirements"]}),
        (_("Thể lệ"), {"fields": ["rules"]}),
        (_("Thời gian"), {"fields": ["opens_at", "closes_at", "board_hour"]}),
        (_("Hỗ trợ người dự thi"), {"fields": ["support_phone", "support_email"]}),
        (
            _("Đối tượng dự thi"),
            {
                "fields": [
                    "participation_root",
                    "min_age",
                    "age_reference_date",
                    "allow_citizens",
                    "allow_foreigners",
                    "eligibility_note",
                ]
            },
        ),
        (
            _("Làm bài và xem lại"),
            {
                "fields": [
                    "attempts_allowed",
                    "time_limit_minutes",
                    "shuffle_options",
                    "review_content",
                    "review_timing",
                    "blueprint_status",
                ]
            },
        ),
        (_("Thi thử"), {"fields": ["practice_mode", "practice_question_count"]}),
        (
            _("Câu hỏi dự đoán"),
            {"fields": ["prediction_text", "prediction_target", "prediction_actual"]},
        ),
        (_("Xếp hạng"), {"fields": ["tie_break_chain", "cumulative_rule"]}),
        (
            _("Giải thưởng"),
            {
                "fields": [
                    "collective_rule",
                    "winner_may_take_unit_prize",
                    "budget_total",
                    "certificate_min_score",
                ]
            },
        ),
        (_("Dữ liệu cá nhân"), {"fields": ["retention_days"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Contest.Status.DRAFT:
            # Once published, the address is printed on posters and shared: it stays.
            fields.append("slug")
        return fields

    # --- scoping ------------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request).select_related("owner_unit")
        condition = contests_visible_q(user=request.user)
        return queryset.none() if condition is None else queryset.filter(condition)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not contest_owned_by(user=request.user, contest=obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (
            obj.status != Contest.Status.DRAFT
            or not contest_owned_by(user=request.user, contest=obj)
        ):
            return False
        return super().has_delete_permission(request, obj)

    # --- display ------------------------------------------------------------------------------

    @admin.display(description=_("bắt đầu"), ordering="opens_at")
    def opens_display(self, obj):
        return vn_time(obj.opens_at)

    @admin.display(description=_("kết thúc"), ordering="closes_at")
    def closes_display(self, obj):
        return vn_deadline(obj.closes_at)

    @admin.display(description=_("tổng giá trị giải thưởng"))
    def budget_total(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return dong(prize_budget(tiers=PrizeTier.objects.filter(structure__contest=obj)))

    @admin.display(description=_("ngân hàng so với cấu trúc đề"))
    def blueprint_status(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        from contests.services.contests import blueprint_problems

        problems = blueprint_problems(contest=obj)
        if not problems:
            return gettext("Đủ câu hỏi để ra đề.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((p,) for p in problems))
        )

    # --- saving -------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        contest_update(contest=obj, user=request.user)

    def save_related(self, request, form, formsets, change):
        contest = form.instance
        before = contest_related_snapshot(contest=contest) if change else None
        super().save_related(request, form, formsets, change)
        if before is not None:
            after = contest_related_snapshot(contest=contest)
            for what in ("prizes", "blueprint", "rounds", "excluded", "categories"):
                contest_change_record(
                    contest=contest,
                    user=request.user,
                    what=what,
                    before={what: before[what]},
                    after={what: after[what]},
                )

    # --- transitions and preview --------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/xem-thu-de/",
                wrap(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            path(
                "<int:object_id>/chuyen-trang-thai/<str:transition>/",
                wrap(require_POST(self.transition_view)),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def _object_or_404(self, request, object_id):
        obj = self.get_object(request, str(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404(gettext("Không có cuộc thi này."))
        return obj

    def preview_view(self, request, object_id):
        contest = self._object_or_404(request, object_id)
        if not answer_key_visible_to(user=request.user, contest=contest):
            # The drawn test shows the questions and the key: the owner side's only.
            raise PermissionDenied
        round_obj = None
        round_id = parse_id(request.GET.get("vong"))
        if round_id is not None:
            round_obj = contest.rounds.filter(pk=round_id).first()
        show_key = request.GET.get("dap-an") != "0"
        error, questions = None, []
        try:
            questions = contest_test_preview(contest=contest, round=round_obj)
        except ValueError as exc:
            error = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": contest,
            "title": gettext("Xem thử đề: %(contest)s") % {"contest": contest.title},
            "questions": questions,
            "error": error,
            "show_key": show_key,
            "rounds": list(contest.rounds.all()),
            "round": round_obj,
            "problems": publish_problems(contest=contest)
            if contest.status == Contest.Status.DRAFT
            else [],
        }
        return TemplateResponse(request, "admin/contests/contest/preview.html", context)

    # Each transition: a service called as service(contest=, user=, data=request.POST) and the
    # message on success (formatted with the contest's title and, for results, the version).
    # Results publishing is scoring's: scoring/admin/results.py extends this class with its two
    # transitions, the prize list page and the bulk action, and registers it in this one's place.
    TRANSITIONS = {
        "cong-bo": (
            lambda *, contest, user, data: contest_publish(contest=contest, user=user),
            _("Đã công bố cuộc thi “%(title)s”."),
        ),
        "ket-thuc": (
            lambda *, contest, user, data: contest_close(contest=contest, user=user),
            _("Đã kết thúc cuộc thi “%(title)s”."),
        ),
    }

    def transition_view(self, request, object_id, transition):
        contest = self._object_or_404(request, object_id)
        if transition not in self.TRANSITIONS:
            raise Http404(gettext("Không có thao tác này."))
        if not self.has_change_permission(request, contest):
            raise PermissionDenied
        self._transition(request, contest, transition, data=request.POST)
        return HttpResponseRedirect(reverse("admin:contests_contest_change", args=[contest.pk]))

    def _transition(self, request, contest, transition, data=None) -> bool:
        service, done = self.TRANSITIONS[transition]
        try:
            with transaction.atomic():
                result = service(contest=contest, user=request.user, data=data or {})
        except ValidationError as error:
            for message in _messages_of(error):
                self.message_user(request, f"{contest.title}: {message}", level=messages.ERROR)
            return False
        except PermissionDenied as error:
            message = str(error) or gettext("Bạn không có quyền thực hiện thao tác này.")
            self.message_user(request, f"{contest.title}: {message}", level=messages.ERROR)
            return False
        values = {"title": contest.title, "version": getattr(result, "version", "")}
        self.message_user(request, done % values, level=messages.SUCCESS)
        return True

    def _bulk_transition(self, request, queryset, transition):
        for contest in queryset.filter(pk__in=contests_owned_by(user=request.user)):
            self._transition(request, contest, transition)

    @admin.action(description=_("Công bố các cuộc thi đã chọn"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._bulk_transition(request, queryset, "cong-bo")

    @admin.action(description=_("Kết thúc các cuộc thi đã chọn"), permissions=["change"])
    def close_selected(self, request, queryset):
        self._bulk_transition(request, queryset, "ket-thuc")


@admin.register(Topic)
class TopicAdmin(ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    list_display = ["name", "contest"]
    list_filter = [("contest", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "contest":
            kwargs["queryset"] = contests_owned_by(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
