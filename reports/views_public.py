"""The public daily official board (bảng tổng sắp): anyone may read it, no JavaScript needed.

Its URLs are in their own namespace ("board"), not in "reports": the organisers' reports pages
are private (contest_site/headers.py), this board is published. A page is the same for every
anonymous visitor and may be kept by browsers and proxies for a minute; a logged-in visitor's
page carries a CSRF token in its header (the logout form), so it is private. The workbook is a
download, private like every download (headers.py): it is rebuilt from the frozen figures.

Viewing freezes what is due and missing (`board_freeze_due`, under a lock): the embedded demo
has no Celery beat."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from reports import charts, selectors
from reports.exports.board import board_workbook
from reports.services.board import board_freeze_due

PUBLIC_MAX_AGE = 60
# How many units each chart shows (the most people; the highest rates): readable on a phone.
CHART_UNITS = 15
# Drawn at a phone's width: the labels stay readable when the SVG is not scaled down.
CHART_WIDTH = 380
# Units shown in the page's table: the root and two levels below (blocks, then districts and
# departments); the workbook has every unit.
TABLE_LEVELS = 2


def percent(rate: float | None) -> str:
    """0.8512 → "85,1 %" (Vietnamese decimal comma); no headcount → "—"."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}".replace(".", ",") + " %"


def _value(field: str, value) -> str:
    if value is None:
        return "—"
    if field == "rate":
        return percent(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def change_lines(changes: list[dict]) -> list[str]:
    """A correction's changes as sentences: "Phường A: số người dự thi 12 → 13"."""
    labels = {
        "name": _("tên đơn vị"),
        "headcount": _("số người (biên chế/dân số)"),
        "participants": _("số người dự thi"),
        "attempts": _("số bài dự thi"),
        "perfect_attempts": _("số bài đúng tất cả"),
        "rate": _("tỷ lệ tham gia"),
    }
    return [
        _("%(unit)s: %(label)s %(before)s → %(after)s")
        % {
            "unit": c["name"],
            "label": labels.get(c["field"], c["field"]),
            "before": _value(c["field"], c["before"]),
            "after": _value(c["field"], c["after"]),
        }
        for c in changes
    ]


def _cacheable(request, response):
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _missing(request, message: str, contest=None):
    response = render(
        request, "reports/board_missing.html", {"message": message, "contest": contest}, status=404
    )
    return _cacheable(request, response)


def _parse_day(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None


def _charts(units: list[dict]) -> list:
    """Two bar charts over the level below the blocks (or the blocks if there is none):
    people per unit, and rate per unit (units with a headcount)."""
    level = max((u["level"] for u in units if u["level"] <= TABLE_LEVELS), default=0)
    rows = [u for u in units if u["level"] == level and level > 0]
    by_people = sorted(rows, key=lambda u: (-u["participants"], u["code"]))[:CHART_UNITS]
    rated = [u for u in rows if u["rate"] is not None]
    by_rate = sorted(rated, key=lambda u: (-u["rate"], u["code"]))[:CHART_UNITS]
    out = []
    if by_people:
        out.append(
            charts.bar_chart(
                [(u["name"], u["participants"]) for u in by_people],
                title=_("Số người dự thi theo đơn vị"),
                width=CHART_WIDTH,
                label_every=max(1, len(by_people) // 5),
            )
        )
    if by_rate:
        out.append(
            charts.bar_chart(
                [(u["name"], round(u["rate"] * 100, 1)) for u in by_rate],
                title=_("Tỷ lệ tham gia theo đơn vị (%)"),
                width=CHART_WIDTH,
                color="#198754",
                label_every=max(1, len(by_rate) // 5),
            )
        )
    return out


def board(request, slug: str, day: str | None = None, version: int | None = None):
    contest = selectors.board_contest(slug=slug)
    if contest is None:
        return _missing(request, _("Cuộc thi này không công bố bảng tổng sắp."))
    board_freeze_due(contest=contest, now=timezone.now())
    wanted = None
    if day is not None:
        wanted = _parse_day(day)
        if wanted is None:
            return _missing(
                request,
                _("Ngày “%(value)s” không hợp lệ (dạng năm-tháng-ngày, ví dụ 2023-09-02).")
                % {"value": day},
                contest,
            )
    snapshot = selectors.board_snapshot(contest=contest, day=wanted, version=version)
    if snapshot is None and (wanted is not None or version is not None):
        return _missing(request, _("Không có bảng tổng sắp của ngày hoặc phiên bản này."), contest)
    versions = selectors.board_versions(contest=contest)
    context = {"contest": contest, "snapshot": snapshot, "versions": versions}
    if snapshot is None:
        first_day = timezone.localdate(contest.opens_at) + datetime.timedelta(days=1)
        context["first_board_at"] = timezone.make_aware(
            datetime.datetime.combine(first_day, datetime.time(contest.board_hour))
        )
    if snapshot is not None:
        units = [{**u, "percent": percent(u["rate"])} for u in snapshot.figures["units"]]
        newest = max(v.version for v in versions if v.day == snapshot.day)
        context.update(
            {
                "total": units[0],
                "rows": [u for u in units[1:] if u["level"] <= TABLE_LEVELS],
                "complete": [u for u in units if u["complete"]],
                "charts": _charts(units),
                "newest": newest,
                "superseded": snapshot.version < newest,
                "day_versions": [v for v in versions if v.day == snapshot.day],
                "change_lines": change_lines(snapshot.changes),
                "next_day": snapshot.day + datetime.timedelta(days=1),
            }
        )
    return _cacheable(request, render(request, "reports/board.html", context))


def board_download(request, slug: str, day: str, version: int):
    contest = selectors.board_contest(slug=slug)
    if contest is None:
        return _missing(request, _("Cuộc thi này không công bố bảng tổng sắp."))
    wanted = _parse_day(day)
    snapshot = (
        selectors.board_snapshot(contest=contest, day=wanted, version=version) if wanted else None
    )
    if snapshot is None:
        return _missing(request, _("Không có bảng tổng sắp của ngày hoặc phiên bản này."), contest)
    response = HttpResponse(
        board_workbook(contest=contest, snapshot=snapshot),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"bang-tong-sap-{contest.slug}-{snapshot.day.isoformat()}-v{snapshot.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
