"""Item statistics in the admin ("Thống kê câu hỏi"): the runs of each contest the organiser
sees, a button and an action "Tính lại thống kê" (owner side: queued, inline when Celery runs
eagerly), and per contest three pages: the question table (owner side only, as the key:
option counts give it away), the weakest topics of each unit below the organiser's unit
(table and chart), and the Excel workbook of both.

Scoping: the contests of `contests.selectors.contests_visible_q` (owned, or taken part in once
published), and within a contest only the units the organiser sees. Bad query values (a flag,
a topic or a unit that is not one) answer 400 with a Vietnamese message."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from contest_site.untrusted import parse_id
from contests.models import Unit
from contests.selectors import contests_owned_by
from learning.exports import item_stats_xlsx
from learning.models import ItemStatsRun
from learning.rules import item_stats as rules
from learning.selectors import item_stats as selectors
from learning.services.item_stats import RecomputeRefused, item_stats_request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RecomputeForm(forms.Form):
    contest = forms.ModelChoiceField(
        label=gettext_lazy("Cuộc thi"),
        queryset=None,
        error_messages={
            "required": gettext_lazy("Hãy chọn cuộc thi."),
            "invalid_choice": gettext_lazy(
                "Cuộc thi không có trong danh sách cuộc thi bạn quản lý."
            ),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contest"].queryset = contests_owned_by(user=user).order_by("-opens_at")


@admin.register(ItemStatsRun)
class ItemStatsRunAdmin(admin.ModelAdmin):
    list_display = ["contest", "started_at", "finished_at", "attempts_counted", "groups", "pages"]
    list_filter = [("contest", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["contest__owner_unit"]
    actions = ["recompute_action"]

    def get_queryset(self, request):
        return selectors.runs_visible_to(user=request.user, annotate_owned=True)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("nhóm cao / nhóm thấp"))
    def groups(self, obj):
        if obj.upper_min is None:
            return "—"
        return _("≥ %(u)s câu đúng (%(nu)s bài) / ≤ %(l)s câu đúng (%(nl)s bài)") % {
            "u": obj.upper_min,
            "nu": obj.upper_attempts,
            "l": obj.lower_max,
            "nl": obj.lower_attempts,
        }

    @admin.display(description=gettext_lazy("xem"))
    def pages(self, obj):
        if obj.finished_at is None:
            return _("Đang tính…")
        contest_id = obj.contest_id
        links = []
        # `owned` (get_queryset): the owner side, who alone sees the key and the question table.
        if obj.owned:
            links.append(
                (reverse("admin:learning_itemstatsrun_questions", args=[contest_id]), _("Câu hỏi"))
            )
        links.append(
            (
                reverse("admin:learning_itemstatsrun_topics", args=[contest_id]),
                _("Chủ đề theo đơn vị"),
            )
        )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:contest_id>/cau-hoi/",
                view(self.questions_view),
                name="learning_itemstatsrun_questions",
            ),
            path(
                "<int:contest_id>/chu-de/",
                view(self.topics_view),
                name="learning_itemstatsrun_topics",
            ),
            path(
                "<int:contest_id>/xuat-excel/",
                view(self.export_view),
                name="learning_itemstatsrun_export",
            ),
            *super().get_urls(),
        ]

    # --- recompute -----------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        """ "Tính lại thống kê": choose one of the contests this organiser manages."""
        if not self.has_add_permission(request):
            raise Http404
        form = RecomputeForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            contest = form.cleaned_data["contest"]
            if self._request_run(request, contest):
                return redirect(
                    reverse("admin:learning_itemstatsrun_changelist")
                    + f"?contest__id__exact={contest.pk}"
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Tính lại thống kê câu hỏi"),
            "form": form,
        }
        return TemplateResponse(
            request,
            "admin/learning/item_stats_recompute.html",
            context,
            status=400 if request.method == "POST" else 200,
        )

    def _request_run(self, request, contest) -> bool:
        try:
            run = item_stats_request(contest=contest)
        except RecomputeRefused as refused:
            self.message_user(request, f"{contest.title}: {refused.message}", messages.ERROR)
            return False
        run.refresh_from_db()
        if run.finished_at is not None:
            text = _("%(title)s: đã tính xong thống kê câu hỏi trên %(n)s bài thi.") % {
                "title": contest.title,
                "n": run.attempts_counted,
            }
        else:
            text = _(
                "%(title)s: đã xếp lịch tính lại thống kê câu hỏi; tải lại trang sau ít phút."
            ) % {"title": contest.title}
        self.message_user(request, text, messages.SUCCESS)
        return True

    @admin.action(description=gettext_lazy("Tính lại thống kê"), permissions=["add"])
    def recompute_action(self, request, queryset):
        owned = set(contests_owned_by(user=request.user).values_list("pk", flat=True))
        contests = {run.contest_id: run.contest for run in queryset.select_related("contest")}
        skipped = [c for pk, c in contests.items() if pk not in owned]
        for pk, contest in sorted(contests.items()):
            if pk in owned:
                self._request_run(request, contest)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "Bỏ qua %(n)d cuộc thi không do đơn vị bạn tổ chức.",
                    "Bỏ qua %(n)d cuộc thi không do đơn vị bạn tổ chức.",
                    len(skipped),
                )
                % {"n": len(skipped)},
                messages.WARNING,
            )

    # --- pages ---------------------------------------------------------------------------

    def _access(self, request, contest_id: int, page: str) -> selectors.ContestAccess:
        if not self.has_view_permission(request):
            raise Http404
        access = selectors.contest_access(user=request.user, contest_id=contest_id)
        if access is None or page not in access.pages:
            raise Http404(_("Không tìm thấy thống kê câu hỏi của cuộc thi này."))
        return access

    def _context(self, request, access, title, **more):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "contest": access.contest,
            "run": access.run,
            "pages": access.pages,
            **more,
        }

    def questions_view(self, request, contest_id: int):
        access = self._access(request, contest_id, rules.QUESTIONS)
        contest = access.contest
        topics = selectors.topics_of(contest=contest)
        errors = []
        flag = request.GET.get("flag") or None
        if flag is not None and flag not in rules.FLAGS:
            errors.append(_("Loại cảnh báo không hợp lệ."))
            flag = None
        topic_id = None
        raw_topic = request.GET.get("topic")
        if raw_topic:
            topic_id = parse_id(raw_topic)
            if topic_id is None or topic_id not in {t.pk for t in topics}:
                errors.append(_("Chủ đề không thuộc cuộc thi này."))
                topic_id = None
        rows = selectors.question_rows(contest=contest, flag=flag, topic_id=topic_id)
        context = self._context(
            request,
            access,
            _("Thống kê câu hỏi: %(title)s") % {"title": contest.title},
            rows=rows,
            errors=errors,
            topics=topics,
            flag=flag,
            topic_id=topic_id,
            flag_choices=[
                (c, rules.flag_label(c), rules.flag_explanation(c)) for c in rules.FLAG_ORDER
            ],
            flag_counts=selectors.flag_counts(contest=contest),
            thresholds={
                "high": round(rules.FACILITY_HIGH * 100),
                "low": round(rules.FACILITY_LOW * 100),
                "share": rules.GROUP_SHARE_PERCENT,
                "min_drawn": rules.MIN_DRAWN_FOR_FLAGS,
            },
        )
        return TemplateResponse(
            request,
            "admin/learning/item_stats_questions.html",
            context,
            status=400 if errors else 200,
        )

    def _parent(self, request, access) -> tuple[Unit | None, str | None]:
        raw = request.GET.get("unit") or None
        if raw is not None and (len(raw) > 40 or not raw.isascii()):
            return None, _("Đơn vị không hợp lệ.")
        parent = selectors.parent_unit_for(user=request.user, contest=access.contest, code=raw)
        if parent is None and raw is not None:
            return None, _("Đơn vị không có trong phạm vi bạn quản lý của cuộc thi này.")
        return parent, None

    def topics_view(self, request, contest_id: int):
        access = self._access(request, contest_id, rules.TOPICS)
        parent, error = self._parent(request, access)
        if parent is None and error is None:
            raise Http404(_("Không tìm thấy thống kê câu hỏi của cuộc thi này."))
        table = (
            selectors.topic_table(contest=access.contest, parent=parent, user=request.user)
            if parent
            else None
        )
        chart = chart_bars(table.total) if table else []
        context = self._context(
            request,
            access,
            _("Chủ đề theo đơn vị: %(title)s") % {"title": access.contest.title},
            table=table,
            errors=[error] if error else [],
            chart=chart,
            chart_height=chart_height(chart),
        )
        return TemplateResponse(
            request, "admin/learning/item_stats_topics.html", context, status=400 if error else 200
        )

    def export_view(self, request, contest_id: int):
        access = self._access(request, contest_id, rules.TOPICS)
        parent, error = self._parent(request, access)
        if error:
            return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
        if parent is None:
            raise Http404(_("Không tìm thấy thống kê câu hỏi của cuộc thi này."))
        questions = None
        if rules.QUESTIONS in access.pages:
            questions = selectors.question_rows(contest=access.contest)
        table = selectors.topic_table(contest=access.contest, parent=parent, user=request.user)
        response = HttpResponse(
            item_stats_xlsx(questions=questions, table=table), content_type=XLSX
        )
        response["Content-Disposition"] = (
            f'attachment; filename="thong-ke-cau-hoi-{access.contest.pk}-{parent.code}.xlsx"'
        )
        return response


def chart_bars(rows: list[rules.TopicRow]) -> list[dict]:
    """Horizontal bars of share correct per topic, weakest first, for the template's SVG."""
    bars = []
    ordered = sorted(
        (r for r in rows if r.drawn), key=lambda r: (r.correct / r.drawn, -r.drawn, r.topic)
    )
    for index, row in enumerate(ordered):
        share = row.correct / row.drawn
        bars.append(
            {
                "label": row.topic,
                "percent": round(share * 100, 1),
                "width": round(share * 400, 1),
                "y": 8 + index * 28,
                "text_y": 8 + index * 28 + 15,
                "text_x": round(258 + share * 400, 1),
            }
        )
    return bars


def chart_height(bars: list[dict]) -> int:
    return 16 + 28 * len(bars)
