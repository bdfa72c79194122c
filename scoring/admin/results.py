"""Results publishing on the contest admin page: "Công bố kết quả" (closed contest),
"Công bố lại kết quả (phiên bản mới)" (results already published), each final or, with a
number of days in "so-ngay-phuc-khao", provisional (open to appeals: scoring/admin/appeals.py),
the bulk action (final), and the read-only prize list of a published snapshot
(`…/contests/contest/<id>/giai-thuong/`, a round's with `?vong=<round id>`) with what changed
against the previous version. Below the contest's form, "Kết quả từng vòng" lists the rounds
with their published version and a button each: "Công bố kết quả vòng" / "Công bố lại kết quả
vòng (phiên bản mới)" (transition "cong-bo-ket-qua-vong", posting "vong" and "phien-ban").

Publishing is `scoring.services.prizes.results_publish`, the one path that runs the checks,
freezes the prize list (ResultsSnapshot) and moves the status in one transaction. Contests never
imports scoring, so the contest page cannot call it; scoring extends contests' ContestAdmin
(its TRANSITIONS, URLs and actions are ordinary class attributes) and registers the extended
class in its place, as scoring/admin/duplicates.py does for the duplicate-accounts queue. Every
status transition of a contest stays on one page, with the same scoping, CSRF and messages."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contest_site.untrusted import parse_id
from contests.admin.contests import ContestAdmin
from contests.models import Contest, PrizeTier, Round
from contests.templatetags.contest_tags import vn_time
from scoring.models import ResultsSnapshot
from scoring.rules.results_diff import ENTERED, LEFT, MOVED
from scoring.selectors.appeals import appeals_pending_count
from scoring.selectors.results import snapshot_latest
from scoring.services.prizes import PROVISIONAL_DAYS_MAX, results_publish


def provisional_days_posted(data) -> int | None:
    """The optional "so-ngay-phuc-khao" field: blank publishes final, a number of days
    publishes provisional (the service checks the range)."""
    raw = str(data.get("so-ngay-phuc-khao") or "").strip()
    if not raw:
        return None
    days = parse_id(raw)
    if days is None:
        raise ValidationError(
            gettext("Số ngày nhận phúc khảo phải là số nguyên từ 1 đến %(max)d.")
            % {"max": PROVISIONAL_DAYS_MAX}
        )
    return days


def publish_results(*, contest, user, data):
    """Closed → results published, with the snapshot (version 1), final or provisional."""
    return results_publish(
        contest=contest, user=user, provisional_days=provisional_days_posted(data)
    )


def publish_results_again(*, contest, user, data):
    """A new snapshot version replacing the one the organiser saw (posted as "phien-ban")."""
    version = parse_id(str(data.get("phien-ban") or "").strip())
    if version is None:
        raise ValidationError(
            gettext("Thiếu số phiên bản kết quả đang công bố: hãy tải lại trang rồi thử lại.")
        )
    return results_publish(
        contest=contest,
        user=user,
        replaces=version,
        provisional_days=provisional_days_posted(data),
    )


def round_posted(*, contest, data) -> Round:
    """The round posted as "vong", which must be one of `contest`'s."""
    round_id = parse_id(str(data.get("vong") or "").strip())
    found = Round.objects.filter(pk=round_id, contest=contest).first() if round_id else None
    if found is None:
        raise ValidationError(
            gettext("Không có vòng thi này trong cuộc thi: hãy tải lại trang rồi thử lại.")
        )
    return found


def publish_round_results(*, contest, user, data):
    """A round's results: the first version (no "phien-ban") or a new one replacing the
    version the organiser saw."""
    round_ = round_posted(contest=contest, data=data)
    raw = str(data.get("phien-ban") or "").strip()
    replaces = parse_id(raw) if raw else None
    if raw and replaces is None:
        raise ValidationError(
            gettext("Số phiên bản kết quả không hợp lệ: hãy tải lại trang rồi thử lại.")
        )
    return results_publish(contest=contest, user=user, round=round_, replaces=replaces)


def round_results_rows(*, contest_id: int, now=None) -> list[dict]:
    """The contest's rounds for the "Kết quả từng vòng" table: each with its latest published
    version (None) and whether it has closed. Two queries."""
    now = now or timezone.now()
    latest: dict[int, int] = {}
    for round_id, version in ResultsSnapshot.objects.filter(
        contest_id=contest_id, round__isnull=False
    ).values_list("round_id", "version"):
        latest[round_id] = max(version, latest.get(round_id, 0))
    return [
        {"round": r, "version": latest.get(r.pk), "closed": r.closes_at <= now}
        for r in Round.objects.filter(contest_id=contest_id).order_by("number")
    ]


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
        "cong-bo-ket-qua-vong": (
            publish_round_results,
            _("Đã công bố kết quả %(round)s của cuộc thi “%(title)s” (phiên bản %(version)s)."),
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
            snapshot = snapshot_latest(contest=contest_id)
            extra_context["results_snapshot"] = snapshot
            extra_context["round_results"] = round_results_rows(contest_id=contest_id)
            if snapshot is not None and snapshot.provisional_until is not None:
                extra_context["appeals_pending"] = appeals_pending_count(contest=contest_id)
                extra_context["appeals_url"] = (
                    reverse("admin:scoring_appeal_changelist") + f"?contest__id__exact={contest_id}"
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def _transition(self, request, contest, transition, data=None) -> bool:
        if transition == "cong-bo-ket-qua-vong":
            return self._round_transition(request, contest, data or {})
        done = super()._transition(request, contest, transition, data)
        if done and transition in ("cong-bo-ket-qua", "cong-bo-lai-ket-qua"):
            snapshot = snapshot_latest(contest=contest)
            if snapshot is not None and snapshot.provisional_until is not None:
                self.message_user(
                    request,
                    gettext(
                        "Đây là kết quả tạm thời: người dự thi được gửi phúc khảo đến "
                        "%(until)s. Hết thời hạn và trả lời xong các đơn phúc khảo, hãy bấm "
                        "“Công bố lại kết quả (phiên bản mới)” để công bố kết quả chính thức."
                    )
                    % {"until": vn_time(snapshot.provisional_until)},
                    level=messages.INFO,
                )
        return done

    def _round_transition(self, request, contest, data) -> bool:
        """A round's publication, as `_transition` does a contest's, with the round named in
        the message."""
        service, done = self.TRANSITIONS["cong-bo-ket-qua-vong"]
        try:
            with transaction.atomic():
                snapshot = service(contest=contest, user=request.user, data=data)
        except (ValidationError, PermissionDenied) as error:
            messages_ = getattr(error, "messages", None) or [
                str(error) or gettext("Bạn không có quyền thực hiện thao tác này.")
            ]
            for message in messages_:
                self.message_user(request, f"{contest.title}: {message}", level=messages.ERROR)
            return False
        values = {"title": contest.title, "version": snapshot.version}
        values["round"] = snapshot.round.title
        self.message_user(request, done % values, level=messages.SUCCESS)
        return True

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
        round_ = None
        if "vong" in request.GET:
            round_id = parse_id(request.GET.get("vong", ""))
            round_ = (
                Round.objects.filter(pk=round_id, contest=contest).first() if round_id else None
            )
            if round_ is None:
                raise Http404(gettext("Không có vòng thi này trong cuộc thi."))
        snapshots = list(
            ResultsSnapshot.objects.filter(contest=contest, round=round_)
            .select_related("published_by")
            .order_by("-version")
        )
        if not snapshots:
            if round_ is not None:
                raise Http404(gettext("Vòng thi này chưa công bố kết quả."))
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
        change_labels = {
            ENTERED: gettext("Vào danh sách giải"),
            LEFT: gettext("Ra khỏi danh sách giải"),
            MOVED: gettext("Đổi giải"),
        }
        changes = [
            {**c, "change_label": change_labels.get(c["change"], c["change"])}
            for c in snapshot.changes or []
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": contest,
            "title": (
                gettext("Danh sách giải đã công bố: %(contest)s, %(round)s")
                % {"contest": contest.title, "round": round_.title}
                if round_ is not None
                else gettext("Danh sách giải đã công bố: %(contest)s") % {"contest": contest.title}
            ),
            "round": round_,
            "snapshot": snapshot,
            "snapshots": snapshots,
            "rows": rows,
            "changes": changes,
            "budget": snapshot.budget,
        }
        return TemplateResponse(request, "admin/contests/contest/results_prizes.html", context)


if admin.site.is_registered(Contest):
    admin.site.unregister(Contest)
admin.site.register(Contest, ContestWithResultsAdmin)
