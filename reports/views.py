"""Staff pages: the dashboard (with drill-down), the printable summary, export jobs.

Every page is scoped to the organiser's subtree: a unit outside it is a 404 (`unit_for`), a
contest whose tree does not meet it is a 404, an export job of another user is a 404 unless
the viewer is the city or a superuser."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from contest_site.untrusted import parse_id
from contests.dates import contest_date_problem
from contests.masking import can_view_full_identity
from contests.models import Contest, Round, Unit
from contests.selectors import path_prefix_for
from reports import charts, rankings, selectors, selectors_live
from reports.models import ExportJob
from reports.services.exports import (
    ROUND_KINDS,
    export_job_create,
    export_job_downloadable,
    export_kinds_for,
)
from reports.services.live import figures_freshen, figures_refresh_asked


def _contest_for(user, slug: str) -> Contest:
    """The contest if the organiser may see its reports (404 otherwise, drafts of others too:
    checked before any cached figure is looked at)."""
    contest = get_object_or_404(
        Contest.objects.select_related("participation_root", "owner_unit"), slug=slug
    )
    if not selectors.contest_reported_to(user=user, contest=contest):
        raise Http404
    return contest


def _parse_date(request, name: str) -> datetime.date | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            date = datetime.datetime.strptime(raw, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
        # 01/01/0001 parses, and then overflowed the time zone arithmetic of the filter.
        problem = contest_date_problem(date)
        if problem is None:
            return date
        messages.error(
            request,
            _("Ngày “%(value)s”: %(problem)s Đã bỏ qua.") % {"value": raw, "problem": problem},
        )
        return None
    messages.error(
        request,
        _("Ngày “%(value)s” không hợp lệ (dạng ngày/tháng/năm): đã bỏ qua.") % {"value": raw},
    )
    return None


def _parse_round(request, contest: Contest) -> Round | None:
    raw = (request.GET.get("vong") or "").strip()
    if not raw:
        return None
    round_ = None
    number = parse_id(raw)
    if number is not None:
        round_ = Round.objects.filter(contest=contest, number=number).first()
    if round_ is None:
        messages.error(request, _("Không có vòng thi “%(value)s”: đã bỏ qua.") % {"value": raw})
    return round_


def _breadcrumbs(user, contest: Contest, unit: Unit) -> list[Unit]:
    prefix = path_prefix_for(user=user) or ""
    root = contest.participation_root.path
    step = Unit.steplen
    paths = [unit.path[:end] for end in range(len(root), len(unit.path) + 1, step)]
    units = {u.path: u for u in Unit.objects.filter(path__in=paths)}
    return [units[p] for p in paths if p in units and p.startswith(prefix)]


@staff_member_required
@require_safe
def index(request):
    contests = selectors.contests_visible_to(user=request.user)
    return render(request, "reports/index.html", {"contests": contests})


# The dashboard's roll-up figures are cached per contest, unit, round and date range and per
# roll-up state: a refresh or a recomputation moves the state's timestamps, hence the key, so a
# new state is never served old figures; the timeout bounds the memory and, with a reporting
# replica, how long rows read before they had replicated could be shown (and how long a
# child unit's edited headcount takes to show).
DASHBOARD_CACHE_SECONDS = 60


def _day_range(contest: Contest, date_from, date_to) -> tuple:
    """The days the daily chart spans: the filter's, else the contest's days so far."""
    opens = timezone.localdate(contest.opens_at)
    closes = timezone.localdate(contest.closes_at - datetime.timedelta(microseconds=1))
    return date_from or opens, date_to or min(closes, timezone.localdate())


def _figures_context(
    contest: Contest, unit: Unit, round_key: int, date_from, date_to, questions: int
) -> dict:
    """What the dashboard shows from the roll-ups (three queries and the Python around them:
    most of the page's time before it was cached)."""
    figures = selectors.Figures(contest=contest, round_key=round_key, scope=unit)
    totals = figures.totals(unit)
    children = figures.units_figures(unit, children_only=True)
    for child in children:
        child["rate_percent"] = child["rate"] * 100 if child["rate"] is not None else None
    days = selectors.daily(
        contest=contest, unit=unit, round_key=round_key, date_from=date_from, date_to=date_to
    )
    range_totals = {
        "attempts": sum(d["attempts"] for d in days),
        "perfect_attempts": sum(d["perfect_attempts"] for d in days),
        "new_participants": sum(d["new_participants"] for d in days),
    }
    scores = selectors.score_distribution(contest=contest, unit=unit, round_key=round_key)
    first, last = _day_range(contest, date_from, date_to)
    day_points = charts.day_bins({d["day"]: d["attempts"] for d in days}, first, last)
    daily_chart = charts.axis_chart(
        [(day.strftime("%d/%m"), n) for day, n in day_points],
        title=_("Số bài dự thi theo ngày"),
        x_title=_("Ngày"),
        y_title=_("Số bài dự thi"),
    )
    bins = charts.score_bins({s["correct_count"]: s["participants"] for s in scores}, questions)
    mean = charts.mean_of_bins(bins)
    scale = len(bins) - 1
    mean_text = (
        _("%(mean)s / %(scale)s câu")
        % {"mean": formats.number_format(round(mean, 1), decimal_pos=1), "scale": scale}
        if mean is not None
        else None
    )
    score_chart = charts.axis_chart(
        [(str(score), n) for score, n in bins],
        title=_("Phân bố số câu đúng (bài tốt nhất của mỗi người)"),
        x_title=_("Số câu đúng (trên %(scale)s câu)") % {"scale": scale},
        y_title=_("Số người dự thi"),
        color="#198754",
        marker=(mean, _("TB %(mean)s") % {"mean": mean_text}) if mean is not None else None,
    )
    return {
        "totals": totals,
        "by_block": figures.by_block(unit),
        "by_category": figures.by_category(unit),
        "round_figures": selectors.round_figures(contest=contest, unit=unit),
        "by_age_group": figures.by_age_group(unit),
        "children": children,
        "top_units": figures.top_units(unit),
        "days": days,
        "range_totals": range_totals,
        "daily_chart": daily_chart,
        "score_chart": score_chart,
        "mean_correct_text": mean_text,
    }


def _figures_cached(contest, unit, round_key, date_from, date_to, state, questions) -> dict:
    if state is None:  # nothing rolled up yet: nothing worth caching
        return _figures_context(contest, unit, round_key, date_from, date_to, questions)
    stamps = [t.timestamp() if t else 0 for t in (state.recomputed_at, state.refreshed_at)]
    key = ":".join(
        str(part)
        for part in (
            "reports-dashboard",
            contest.pk,
            unit.pk,
            round_key,
            date_from or "",
            date_to or "",
            questions,
            timezone.localdate(),
            get_language(),
            *stamps,
        )
    )
    context = cache.get(key)
    if context is None:
        context = _figures_context(contest, unit, round_key, date_from, date_to, questions)
        cache.set(key, context, DASHBOARD_CACHE_SECONDS)
    return context


def _rankings_cached(contest: Contest, unit: Unit, state) -> list[rankings.RoundRanking]:
    """The dashboard's rankings (one query per round and the overall one), cached as the
    figures are: per contest, unit and roll-up state, for DASHBOARD_CACHE_SECONDS (results
    are rewritten by grading at any time: the rankings are as fresh as the figures)."""
    if state is None or not contest.rounds.exists():
        return rankings.dashboard_rankings(contest=contest, unit=unit)
    stamps = [t.timestamp() if t else 0 for t in (state.recomputed_at, state.refreshed_at)]
    key = ":".join(
        str(part) for part in ("reports-rankings", contest.pk, unit.pk, get_language(), *stamps)
    )
    out = cache.get(key)
    if out is None:
        out = rankings.dashboard_rankings(contest=contest, unit=unit)
        cache.set(key, out, DASHBOARD_CACHE_SECONDS)
    return out


@staff_member_required
@require_safe
def dashboard(request, slug: str):
    contest = _contest_for(request.user, slug)
    # The organiser's scope is checked here, before any cached figure is looked at: the cache
    # is keyed by the unit, whose figures are the same whoever may see them.
    unit = selectors.unit_for(user=request.user, contest=contest, code=request.GET.get("unit"))
    round_ = _parse_round(request, contest)
    date_from, date_to = _parse_date(request, "tu"), _parse_date(request, "den")
    at_root = unit.pk == contest.participation_root_id
    # No beat in the embedded default: the figures are refreshed here when stale, and are
    # never older than the prize list beside them (reports.rules.freshness).
    fresh = figures_freshen(contest=contest, with_prizes=at_root)
    state = fresh.state
    questions = selectors_live.questions_per_test(contest=contest, round_=round_)
    figures = _figures_cached(
        contest, unit, selectors.round_key_of(round_), date_from, date_to, state, questions
    )
    prizes = []
    if at_root:
        from scoring.selectors.prizes import prize_list

        prizes = prize_list(contest=contest)[:200]
    context = {
        "contest": contest,
        "unit": unit,
        "round": round_,
        "rounds": contest.rounds.all(),
        "date_from": date_from,
        "date_to": date_to,
        **figures,
        "rate_percent": (
            figures["totals"]["participants"] * 100 / unit.headcount if unit.headcount else None
        ),
        "prizes": prizes,
        "rankings": _rankings_cached(contest, unit, state),
        "breadcrumbs": _breadcrumbs(request.user, contest, unit),
        "state": state,
        "fresh": fresh,
        "export_kinds": export_kinds_for(user=request.user, contest=contest),
        "round_kinds": ROUND_KINDS,
        "may_export_full": can_view_full_identity(request.user),
    }
    return render(request, "reports/dashboard.html", context)


@staff_member_required
@require_POST
def refresh(request, slug: str):
    """The "Cập nhật số liệu" button: refresh the contest's roll-ups now (an organiser who
    may see the contest's reports; once a minute per organiser and contest), then back to
    the unit's dashboard with a message that says what happened."""
    contest = _contest_for(request.user, slug)
    unit = selectors.unit_for(user=request.user, contest=contest, code=request.POST.get("unit"))
    back = reverse("reports:dashboard", args=[contest.slug]) + "?" + urlencode({"unit": unit.code})
    outcome, wait = figures_refresh_asked(contest=contest, user=request.user)
    if outcome == "wait":
        messages.warning(
            request,
            _("Số liệu vừa được cập nhật theo yêu cầu của bạn. Vui lòng thử lại sau %(n)s giây.")
            % {"n": wait},
        )
    elif outcome == "busy":
        messages.info(request, _("Số liệu đang được cập nhật. Vui lòng tải lại trang sau ít phút."))
    else:
        state = selectors.rollup_state(contest=contest)
        at = timezone.localtime(state.refreshed_at) if state and state.refreshed_at else None
        at_text = at.strftime("%H:%M %d/%m/%Y") if at else ""
        messages.success(request, _("Đã cập nhật số liệu lúc %(at)s.") % {"at": at_text})
    return redirect(back)


@staff_member_required
@require_safe
def ranking(request, slug: str):
    """The full ranking of a round (`vong`: its number) or the overall one (no `vong`), of
    the unit's subtree, PAGE_SIZE people a page (`trang`). A round this contest does not
    have, or junk, is a 404 that says so."""
    contest = _contest_for(request.user, slug)
    unit = selectors.unit_for(user=request.user, contest=contest, code=request.GET.get("unit"))
    raw = (request.GET.get("vong") or "").strip()
    round_ = None
    if raw:
        number = parse_id(raw)
        if number is not None:
            round_ = Round.objects.filter(contest=contest, number=number).first()
        if round_ is None:
            message = _("Cuộc thi này không có vòng thi “%(value)s”.") % {"value": raw[:50]}
            context = {"contest": contest, "unit": unit, "message": message}
            return render(request, "reports/ranking_missing.html", context, status=404)
    page, rows = rankings.ranking_page(
        contest=contest, round=round_, unit=unit, number=request.GET.get("trang")
    )
    context = {
        "contest": contest,
        "unit": unit,
        "round": round_,
        "rounds": contest.rounds.order_by("number"),
        "page": page,
        "rows": rows,
        "cumulative": round_ is None and contest.rounds.exists(),
        "has_categories": contest.categories.exists(),
        "cumulative_rule": contest.get_cumulative_rule_display(),
        "breadcrumbs": _breadcrumbs(request.user, contest, unit),
    }
    return render(request, "reports/ranking.html", context)


@staff_member_required
@require_safe
def summary(request, slug: str):
    contest = _contest_for(request.user, slug)
    unit = selectors.unit_for(user=request.user, contest=contest, code=request.GET.get("unit"))
    fresh = figures_freshen(contest=contest, with_prizes=False)
    figures = selectors.Figures(contest=contest)
    context = {
        "contest": contest,
        "unit": unit,
        "text": selectors.summary_text(contest=contest, unit=unit, data=figures),
        "totals": figures.totals(unit),
        "by_block": figures.by_block(unit),
        "by_age_group": figures.by_age_group(unit),
        "top_units": figures.top_units(unit),
        "state": fresh.state,
    }
    return render(request, "reports/summary.html", context)


@staff_member_required
@require_POST
def export_create(request, slug: str):
    contest = _contest_for(request.user, slug)
    code = request.POST.get("unit") or None
    unit = selectors.unit_for(user=request.user, contest=contest, code=code)
    back = reverse("reports:dashboard", args=[contest.slug]) + "?" + urlencode({"unit": unit.code})
    round_ = None
    raw = (request.POST.get("vong") or "").strip()
    if raw:
        number = parse_id(raw)
        if number is not None:
            round_ = Round.objects.filter(contest=contest, number=number).first()
        if round_ is None:
            messages.error(
                request, _("Cuộc thi này không có vòng thi “%(value)s”.") % {"value": raw[:50]}
            )
            return redirect(back)
    try:
        job = export_job_create(
            user=request.user,
            contest=contest,
            kind=request.POST.get("kind", ""),
            unit=unit,
            round=round_,
            full_identity=request.POST.get("full") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return redirect("reports:export_detail", job_id=job.pk)


def _job_for(user, job_id: int) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("contest", "unit", "round"), pk=job_id)
    if not selectors.export_job_visible(user=user, job=job):
        raise Http404
    return job


@staff_member_required
@require_safe
def export_list(request):
    jobs = selectors.export_jobs_for(user=request.user)[:50]
    return render(request, "reports/export_list.html", {"jobs": jobs, "now": timezone.now()})


@staff_member_required
@require_safe
def export_detail(request, job_id: int):
    job = _job_for(request.user, job_id)
    context = {
        "job": job,
        "downloadable": export_job_downloadable(user=request.user, job=job),
        "expired": job.expires_at is not None and job.expires_at <= timezone.now(),
        "working": job.status in (ExportJob.Status.PENDING, ExportJob.Status.RUNNING),
    }
    return render(request, "reports/export_detail.html", context)


@staff_member_required
@require_safe
def export_download(request, job_id: int):
    job = _job_for(request.user, job_id)
    if not export_job_downloadable(user=request.user, job=job):
        messages.error(request, _("Tệp chưa sẵn sàng hoặc đã hết hạn tải về."))
        return redirect("reports:export_detail", job_id=job.pk)
    part = f"-vong-{job.round.number}" if job.round_id else ""
    name = f"{job.contest.slug}-{job.kind}{part}-{job.pk}.xlsx"
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)
