"""Results publishing on the contest admin page: "Công bố kết quả" (closed contest),
"Công bố lại kết quả (phiên bản mới)" (results already published), the bulk action, and the
read-only prize list of a published snapshot (`…/contests/contest/<id>/giai-thuong/`).

Publishing is `scoring.services.prizes.results_publish`, the one path that runs the checks,
freezes the prize list (ResultsSnapshot) and moves the status in one transaction. Contests never
imports scoring, so the contest page cannot call it; scoring extends contests' ContestAdmin
(its TRANSITIONS, URLs and actions are ordinary class attributes) and registers the extended
class in its place, as scoring/admin/duplicates.py does for the duplicate-accounts queue. Every
status transition of a contest stays on one page, with the same scoping, CSRF and messages."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contest_site.untrusted import parse_id
from contests.admin.contests import ContestAdmin
from contests.models import Contest, PrizeTier
from scoring.models import ResultsSnapshot
from scoring.selectors.results import snapshot_latest
from scoring.services.prizes import results_publish


def publish_results(*, contest, user, data):
    """Closed → results published, with the snapshot (version 1)."""
    return results_publish(contest=contest, user=user)


def publish_results_again(*, contest, user, data):
    """A new snapshot version replacing the one the organiser saw (posted as "phien-ban")."""
    version = parse_id(str(data.get("phien-ban") or "").strip())
    if version is None:
        raise ValidationError(
            gettext("Thiếu số phiên bản kết quả đang công bố: hãy tải lại trang rồi thử lại.")
        )
    return results_publish(contest=contest, user=user, replaces=version)


class ContestWithResultsAdmin(ContestAdmin):
    actions = [*ContestAdmin.actions, "publish_results_selected"]
    TRANSITIONS = {
        **ContestAdmin.TRANSITIONS,
        "cong-bo-ket-qua": (
            publish_results,
            _("Đã công bố kết quả cuộc thi “%(title)s” (phiên bản %(version)s)."),
        ),
        "cong-bo-lai-ket-qua": (
            publish_results_again,
            _("Đã công bố lại kết quả cuộc thi “%(title)s”: phiên bản %(version)s."),
        ),
    }

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/giai-thuong/",
                self.admin_site.admin_view(self.prizes_view),
                name="{}_{}_prizes".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        contest_id = parse_id(object_id)
        if contest_id is not None:
            extra_context["results_snapshot"] = snapshot_latest(contest=contest_id)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Công bố kết quả các cuộc thi đã chọn"), permissions=["change"])
    def publish_results_selected(self, request, queryset):
        self._bulk_transition(request, queryset, "cong-bo-ket-qua")

    def prizes_view(self, request, object_id):
        """The prize list of the latest snapshot (or `?phien-ban=N`), read only: who, tier,
        amount, unit. Names are as frozen at publication (a minor by name only with both
        consents). For the organisers who own the contest: others get 404 (not visible) or
        403 (a contest they only take part in)."""
        contest = self._object_or_404(request, object_id)
        if not self.has_change_permission(request, contest):
            raise PermissionDenied
        snapshots = list(
            ResultsSnapshot.objects.filter(contest=contest)
            .select_related("published_by")
            .order_by("-version")
        )
        if not snapshots:
            raise Http404(gettext("Cuộc thi này chưa công bố kết quả."))
        wanted = request.GET.get("phien-ban", "")
        snapshot = snapshots[0]
        if wanted:
            chosen = [s for s in snapshots if str(s.version) == wanted]
            if not chosen:
                raise Http404(gettext("Không có phiên bản kết quả này."))
            snapshot = chosen[0]
        kinds = dict(PrizeTier.Kind.choices)
        rows = [
            {**row, "kind_label": kinds.get(row["kind"], row["kind"])} for row in snapshot.prizes
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": contest,
            "title": gettext("Danh sách giải đã công bố: %(contest)s") % {"contest": contest.title},
            "snapshot": snapshot,
            "snapshots": snapshots,
            "rows": rows,
            "budget": snapshot.budget,
        }
        return TemplateResponse(request, "admin/contests/contest/results_prizes.html", context)


if admin.site.is_registered(Contest):
    admin.site.unregister(Contest)
admin.site.register(Contest, ContestWithResultsAdmin)
