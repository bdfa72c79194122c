"""The citizen's essay pages: the task with its questions, the draft (typed, or a file), the
submission, and the permission-checked download of an entry's file. Thin adapters over
essays.selectors.entries, essays.uploads and essays.services.entries; every page works
without JavaScript (static/js/essay.js adds the live word count)."""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from contest_site import clock
from contests.models import Contest
from contests.refusals import Refused
from essays.forms_entries import EntryForm
from essays.models import EssayTask
from essays.selectors.entries import (
    entries_of_user,
    entry_file_for,
    entry_of,
    registration_for,
    tasks_of_user,
)
from essays.services.entries import entry_save
from essays.uploads import upload_prepare
from participants.services import personal_data_access_log

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M:%S %d/%m/%Y")


def _join_url(slug: str) -> str:
    try:
        return reverse("participants:join", args=[slug])
    except NoReverseMatch:
        return reverse("participants:my_contests")


@login_required
@require_GET
@never_cache
def essay_list(request: HttpRequest) -> HttpResponse:
    tasks = list(tasks_of_user(user=request.user))
    entries = entries_of_user(user=request.user, tasks=tasks)
    rows = [(task, entries.get(task.pk)) for task in tasks]
    return render(request, "essays/entry_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def essay_task(request: HttpRequest, task_id: int) -> HttpResponse:
    task = EssayTask.objects.select_related("contest").filter(pk=task_id).first()
    if task is None or task.contest.status == Contest.Status.DRAFT:
        raise Http404(_("Không tìm thấy phần thi tự luận."))
    registration = registration_for(task=task, user=request.user)
    if registration is None:
        messages.info(request, _("Bạn cần đăng ký tham gia cuộc thi trước khi nộp bài dự thi."))
        return redirect(_join_url(task.contest.slug))
    entry = entry_of(task=task, registration=registration)
    form = EntryForm(request.POST or None, initial={"text": entry.text if entry else ""})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                files = request.FILES.getlist("files")
                upload = (
                    upload_prepare(files, max_bytes=task.max_upload_mb * 1024 * 1024)
                    if files
                    else None
                )
                text = form.cleaned_data["text"] if "text" in request.POST else None
                submitting = form.cleaned_data["action"] == EntryForm.SUBMIT
                entry = entry_save(
                    task=task,
                    registration=registration,
                    text=text,
                    upload=upload,
                    remove_file=form.cleaned_data["remove_file"],
                    submit=submitting,
                )
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                if submitting:
                    messages.success(
                        request,
                        _("Đã nộp bài lúc %(when)s. Mã bài dự thi: %(code)s.")
                        % {
                            "when": _when(entry.submitted_at),
                            "code": entry.code,
                        },
                    )
                else:
                    messages.success(request, _("Đã lưu bản nháp."))
                return redirect("essays:task", task_id=task.pk)
        status = 400
    now = clock.now()
    return render(
        request,
        "essays/entry_task.html",
        {
            "task": task,
            "contest": task.contest,
            "entry": entry,
            "form": form,
            "open": task.opens_at <= now < task.unit_deadline,
            "not_yet": now < task.opens_at,
            "shows_text": task.answer_mode != EssayTask.AnswerMode.UPLOAD,
            "shows_file": task.answer_mode != EssayTask.AnswerMode.TYPED,
            "max_upload_mb": task.max_upload_mb,
        },
        status=status,
    )


@login_required
@require_GET
@never_cache
# The judge's page shows the PDF inline in a frame of this site.
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def essay_file(request: HttpRequest, code: str) -> HttpResponse:
    """The entry's file, for its owner, its assigned judges, and the organisers of its
    subtree once its marking is final (essays.rules.access). Anyone else: 404, the same as
    an entry that does not exist (a code says nothing about whether it is in use)."""
    if len(code) > 12:
        raise Http404(_("Không tìm thấy bài dự thi."))
    entry, refusal = entry_file_for(code=code, user=request.user)
    if refusal is not None:
        if refusal.code == "anonymous":
            return render(
                request, "essays/entry_refused.html", {"message": refusal.message}, status=403
            )
        raise Http404(refusal.message)
    is_owner = entry.registration.participant.user_id == request.user.pk
    if not is_owner:
        personal_data_access_log(
            user=request.user, action="essay_file", target=f"essay:{entry.code}"
        )
    file_type = entry.file_type or "pdf"
    content_type = CONTENT_TYPES.get(file_type, "application/octet-stream")
    disposition = "inline" if file_type == "pdf" else "attachment"
    filename = f"{entry.code}.{file_type}"
    accel = settings.ESSAYS_X_ACCEL_REDIRECT
    if accel and isinstance(entry.file.storage, FileSystemStorage):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + entry.file.name
    else:
        response = FileResponse(entry.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
