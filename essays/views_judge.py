"""The judge's page (/cham-thi/), outside the admin, made for a tablet: the queue, the next
entry, the entry (its text, or its file shown inline), the rubric with a mark and a comment per
criterion, "save" and "save and next". Thin adapters over essays.selectors.judging and
essays.services.judging.

A judge sees an entry's code only. An entry not assigned to the judge (or an unknown code)
answers 404 with a Vietnamese sentence, the same for both, so codes cannot be probed."""

from __future__ import annotations

import mimetypes
from functools import wraps

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from contests.refusals import Refused
from essays.selectors import judging as selectors
from essays.services.judging import MarksRefused, marks_save

CODE_MAX = 12
COMMENT_MAX = 2000


def judge_required(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        judge = selectors.judge_for_user(request.user)
        if judge is None:
            raise PermissionDenied(_("Trang này chỉ dành cho giám khảo."))
        request.judge = judge
        return view(request, *args, **kwargs)

    return wrapped


def _not_assigned(request: HttpRequest) -> HttpResponse:
    return render(request, "essays/judge_not_found.html", status=404)


def _assignment(request: HttpRequest, code: str):
    if not code or len(code) > CODE_MAX or not code.isalnum():
        return None
    return selectors.assignment_for_judge(request.judge, code.upper())


@never_cache
@require_GET
@judge_required
def judge_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "essays/judge_home.html",
        {
            "judge": request.judge,
            "queue": selectors.judge_queue(request.judge)[:500],
            "counts": selectors.judge_counts(request.judge),
            "next": selectors.next_assignment(request.judge),
        },
    )


@never_cache
@require_GET
@judge_required
def judge_next(request: HttpRequest) -> HttpResponse:
    assignment = selectors.next_assignment(request.judge)
    if assignment is None:  # the queue page says so ("đã chấm xong")
        return redirect("essays_judge:home")
    return redirect("essays_judge:entry", code=assignment.entry.code)


@never_cache
@require_http_methods(["GET", "POST"])
@judge_required
def judge_entry(request: HttpRequest, code: str) -> HttpResponse:
    assignment = _assignment(request, code)
    if assignment is None:
        return _not_assigned(request)
    criteria = selectors.rubric(assignment.entry.task_id)
    saved = selectors.own_marks(assignment)
    values = {
        c.pk: (
            str(saved[c.pk].marks) if c.pk in saved else "",
            saved[c.pk].comment if c.pk in saved else "",
        )
        for c in criteria
    }
    errors: dict[int, str] = {}
    error = ""
    closed = assignment.panel.closed_at is not None
    if request.method == "POST":
        values = {
            c.pk: (
                request.POST.get(f"diem-{c.pk}", "")[:20],
                request.POST.get(f"nhan-xet-{c.pk}", "")[: COMMENT_MAX + 1],
            )
            for c in criteria
        }
        try:
            marks_save(assignment=assignment, judge=request.judge, values=values)
        except MarksRefused as refused:
            errors = refused.errors
            error = refused.message
        except Refused as refused:
            error = refused.message
        else:
            messages.success(
                request, _("Đã lưu điểm bài %(code)s.") % {"code": assignment.entry.code}
            )
            if request.POST.get("tiep") == "1":
                return redirect("essays_judge:next")
            return redirect("essays_judge:entry", code=assignment.entry.code)
    rows = [
        {
            "criterion": c,
            "value": values[c.pk][0],
            "comment": values[c.pk][1],
            "error": errors.get(c.pk, ""),
        }
        for c in criteria
    ]
    entry = assignment.entry
    return render(
        request,
        "essays/judge_entry.html",
        {
            "assignment": assignment,
            "entry": entry,
            "task": entry.task,
            "rows": rows,
            "error": error,
            "closed": closed,
            "file_url": reverse("essays_judge:file", args=[entry.code]) if entry.file else "",
            "counts": selectors.judge_counts(request.judge),
        },
        status=400 if error else 200,
    )


@never_cache
@require_GET
@judge_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def judge_entry_file(request: HttpRequest, code: str) -> HttpResponse:
    """The entry's file, inline, for the judge it is assigned to (framed by the marking page
    only: same origin). Streams from the "essays" storage; nothing under a public URL."""
    assignment = _assignment(request, code)
    if assignment is None or not assignment.entry.file:
        return _not_assigned(request)
    entry = assignment.entry
    content_type = (
        {
            "pdf": "application/pdf",
            "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        }.get(entry.file_type)
        or mimetypes.guess_type(entry.file.name)[0]
        or "application/octet-stream"
    )
    try:
        handle = entry.file.open("rb")
    except OSError:  # FileNotFoundError, or the object store unreachable
        return _not_assigned(request)
    response = FileResponse(handle, content_type=content_type)
    extension = entry.file.name.rsplit(".", 1)[-1] if "." in entry.file.name else "bin"
    disposition = "inline" if content_type == "application/pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{entry.code}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
