"""Staff pages for rosters: per unit, who has not yet taken part (with the roster's figures
per unit), its Excel download for the unit's focal point, and "Đối chiếu lại" (people
register every day). Scoped as the dashboard: a contest or unit outside the organiser's
subtree is a 404 (reports.views._contest_for, reports.selectors.unit_for)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contests.masking import full_identity_view_record, mask_document
from participants.masking import mask_phone
from participants.roster.matching import roster_match
from reports import selectors, selectors_targets
from reports.exports import roster as roster_export
from reports.views import _breadcrumbs, _contest_for

PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _back(contest, unit) -> str:
    return (
        reverse("reports:roster_pending", args=[contest.slug])
        + "?"
        + urlencode({"unit": unit.code})
    )


@staff_member_required
def roster_pending(request, slug: str):
    contest = _contest_for(request.user, slug)
    unit = selectors.unit_for(user=request.user, contest=contest, code=request.GET.get("unit"))
    rows = selectors_targets.roster_not_yet(contest=contest, unit=unit)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    for r in page.object_list:
        r["document_masked"] = mask_document(r["document_number"])
        r["phone_masked"] = mask_phone(r["phone"])
        r["status_label"] = roster_export.status_label(r["status"])
    units = selectors_targets.roster_units(contest=contest, unit=unit)
    context = {
        "contest": contest,
        "unit": unit,
        "page": page,
        "not_yet_total": len(rows),
        "units": units,
        "complete_units": [u for u in units if u["complete"]],
        "listed": sum(u["listed"] for u in units),
        "taken_part": sum(u["taken_part"] for u in units),
        "breadcrumbs": _breadcrumbs(request.user, contest, unit),
        "max_rows": roster_export.MAX_ROWS,
    }
    return render(request, "reports/roster_pending.html", context)


@staff_member_required
def roster_pending_export(request, slug: str):
    contest = _contest_for(request.user, slug)
    unit = selectors.unit_for(user=request.user, contest=contest, code=request.GET.get("unit"))
    rows = selectors_targets.roster_not_yet(
        contest=contest, unit=unit, limit=roster_export.MAX_ROWS + 1
    )
    if len(rows) > roster_export.MAX_ROWS:
        messages.error(
            request,
            _(
                "Danh sách quá lớn để tải một lần (trên %(max)s người): hãy chọn một đơn vị "
                "cấp dưới."
            )
            % {"max": roster_export.MAX_ROWS},
        )
        return redirect(_back(contest, unit))
    full = request.GET.get("full") == "1" and full_identity_view_record(
        user=request.user, action="export", target=f"roster-not-yet:{contest.slug}:{unit.code}"
    )
    data = roster_export.roster_workbook(contest=contest, unit=unit, rows=rows, full_identity=full)
    response = HttpResponse(data, content_type=XLSX)
    name = f"{contest.slug}-chua-tham-gia-{unit.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_member_required
@require_POST
def roster_rematch(request, slug: str):
    contest = _contest_for(request.user, slug)
    unit = selectors.unit_for(user=request.user, contest=contest, code=request.POST.get("unit"))
    report = roster_match(contest=contest)
    messages.success(request, report.summary())
    return redirect(_back(contest, unit))
