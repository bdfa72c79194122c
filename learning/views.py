"""Practice ("Thi thử") and review of missed questions ("Ôn lại câu sai"): thin adapters over
learning.services and learning.selectors.

The practice test uses the real test's page (templates/partials/exam_form.html) and its script
(static/js/attempt.js: countdown, autosave, submit at the deadline) with its own addresses, and
says "THI THỬ" on every page. Every page works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contest_site import clock
from contest_site.untrusted import JsonRefused, loads_bounded, parse_id
from contests.models import Contest
from contests.refusals import Refused
from contests.selectors import PUBLIC_STATUSES
from learning.models import PracticeAttempt
from learning.rules.practice import practice_open
from learning.selectors.practice import (
    participant_of,
    practice_for_user,
    practice_open_for,
    practice_recent,
)
from learning.selectors.practice import (
    practice_result as practice_result_rows,
)
from learning.selectors.review import review_next_number, review_question, review_summary
from learning.services import practice as practice_service
from learning.services import practice_review as review_service
from scoring.selectors.attempts import GRACE, autosave_timing, exam_questions, seconds_remaining

PRACTICE, REVIEW = PracticeAttempt.Kind.PRACTICE, PracticeAttempt.Kind.REVIEW
OPEN = PracticeAttempt.Status.OPEN
# Seconds before the deadline at which the page stops autosaving (as the real test).
AUTOSAVE_STOP_SECONDS = 5


def _contest_or_404(slug: str) -> Contest:
    contest = Contest.objects.filter(slug=slug, status__in=PUBLIC_STATUSES).first()
    if contest is None:
        raise Http404(_("Không có cuộc thi này."))
    return contest


def _practice_or_404(request, slug: str, practice_id: int, kind: str) -> PracticeAttempt:
    attempt = practice_for_user(practice_id=practice_id, user=request.user, slug=slug, kind=kind)
    if attempt is None:
        raise Http404(_("Không tìm thấy bài thi thử."))
    return attempt


def _refused(request, contest: Contest, refused: Refused, *, title: str) -> HttpResponse:
    return render(
        request,
        "learning/refused.html",
        {"contest": contest, "message": refused.message, "title": title},
        status=403,
    )


def _form_answers(data) -> dict:
    """Answers from a form post: fields "q<question id>" = option id."""
    return {key[1:]: value for key, value in data.items() if key[:1] == "q"}


# --- Practice -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def practice_home(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what practice is, the start button, the person's past practice tests. POST:
    start (or resume) one and go to it."""
    contest = _contest_or_404(slug)
    participant = participant_of(user=request.user)
    if request.method == "POST":
        try:
            attempt = practice_service.practice_start(participant=participant, contest=contest)
        except Refused as refused:
            return _refused(request, contest, refused, title=_("Không thể bắt đầu thi thử"))
        return redirect("learning:practice_take", slug=slug, practice_id=attempt.pk)
    now = clock.now()
    return render(
        request,
        "learning/practice_home.html",
        {
            "contest": contest,
            "is_participant": participant is not None,
            "open_now": practice_open(
                contest.practice_mode, contest.opens_at, contest.closes_at, now
            ),
            "running": (
                practice_open_for(participant=participant, contest=contest, kind=PRACTICE)
                if participant
                else None
            ),
            "recent": (
                practice_recent(participant=participant, contest=contest) if participant else []
            ),
        },
    )


@login_required
def practice_take(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    attempt = _practice_or_404(request, slug, practice_id, PRACTICE)
    now = clock.now()
    if attempt.status != OPEN:
        return redirect("learning:practice_result", slug=slug, practice_id=attempt.pk)
    if now > attempt.deadline + GRACE:
        practice_service.practice_submit(attempt=attempt, now=now)
        messages.info(request, _("Đã hết thời gian làm bài thi thử. Bài đã được nộp."))
        return redirect("learning:practice_result", slug=slug, practice_id=attempt.pk)
    return _render_take(request, attempt, now=now)


def _render_take(request, attempt: PracticeAttempt, *, now, error=None, posted=None, status=200):
    questions, answered = exam_questions(
        items=attempt.items, answers={**attempt.answers, **(posted or {})}
    )
    remaining = seconds_remaining(attempt=attempt, now=now)
    slug = attempt.contest.slug
    return render(
        request,
        "learning/practice_take.html",
        {
            "attempt": attempt,
            "contest": attempt.contest,
            "questions": questions,
            "answered": answered,
            "total": len(questions),
            "remaining": remaining,
            "remaining_display": f"{remaining // 60:02d}:{remaining % 60:02d}",
            "autosave_stop": AUTOSAVE_STOP_SECONDS,
            **autosave_timing(),
            "error": error,
            "submit_url": reverse("learning:practice_submit", args=[slug, attempt.pk]),
            "autosave_url": reverse("learning:practice_autosave", args=[slug, attempt.pk]),
            "bar_badge": _("THI THỬ"),
        },
        status=status,
    )


@require_POST
@login_required
def practice_autosave(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    """JSON {"answers": {question id: option id}} from attempt.js (the same protocol as the
    real test's autosave), or the no-JS "save" button's form post. Idempotent."""
    attempt = _practice_or_404(request, slug, practice_id, PRACTICE)
    is_json = request.content_type == "application/json"
    if is_json:
        try:
            payload = loads_bounded(request.body or b"{}")
        except JsonRefused as refused:
            return JsonResponse({"ok": False, "error": str(refused)}, status=400)
        if not isinstance(payload, dict):
            return JsonResponse(
                {"ok": False, "error": _("Dữ liệu gửi lên không hợp lệ.")}, status=400
            )
        answers = payload.get("answers") or {}
    else:
        answers = _form_answers(request.POST)
    now = clock.now()
    result_url = reverse("learning:practice_result", args=[slug, attempt.pk])
    try:
        attempt = practice_service.practice_autosave(attempt=attempt, answers=answers, now=now)
    except Refused as refused:
        final = refused.code in ("submitted", "expired")
        if is_json:
            body = {"ok": False, "code": refused.code, "error": str(refused.message)}
            if final:
                body["result_url"] = result_url
            return JsonResponse(body, status=409 if final else 400)
        if final:
            messages.error(request, refused.message)
            return redirect(result_url)
        return _render_take(request, attempt, now=now, error=refused.message, status=400)
    if is_json:
        return JsonResponse(
            {
                "ok": True,
                "answered": len(attempt.answers),
                "total": attempt.question_count,
                "remaining": seconds_remaining(attempt=attempt, now=now),
            }
        )
    messages.success(request, _("Đã lưu câu trả lời."))
    return redirect("learning:practice_take", slug=slug, practice_id=attempt.pk)


@require_POST
@login_required
def practice_submit(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    """Submit once; a later submit of the same test lands on the same result page."""
    attempt = _practice_or_404(request, slug, practice_id, PRACTICE)
    if attempt.status == OPEN:
        try:
            practice_service.practice_submit(
                attempt=attempt, answers=_form_answers(request.POST), now=clock.now()
            )
        except Refused as refused:
            return _render_take(
                request, attempt, now=clock.now(), error=refused.message, status=400
            )
    return redirect("learning:practice_result", slug=slug, practice_id=attempt.pk)


@login_required
def practice_result(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    """The score and every question with its key, explanation and legal reference."""
    attempt = _practice_or_404(request, slug, practice_id, PRACTICE)
    if attempt.status == OPEN:
        now = clock.now()
        if now <= attempt.deadline + GRACE:
            return redirect("learning:practice_take", slug=slug, practice_id=attempt.pk)
        attempt, _created = practice_service.practice_submit(attempt=attempt, now=now)
    contest = attempt.contest
    return render(
        request,
        "learning/practice_result.html",
        {
            "attempt": attempt,
            "contest": contest,
            "questions": practice_result_rows(attempt=attempt),
            "may_practise": practice_open(
                contest.practice_mode, contest.opens_at, contest.closes_at, clock.now()
            ),
        },
    )


# --- Review of missed questions -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_home(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: mastery per topic over the person's reviewable attempts, and the button to review
    the missed questions. POST: start (or resume) a review."""
    contest = _contest_or_404(slug)
    participant = participant_of(user=request.user)
    if request.method == "POST":
        try:
            attempt = review_service.review_start(participant=participant, contest=contest)
        except Refused as refused:
            return _refused(request, contest, refused, title=_("Ôn lại câu sai"))
        return redirect("learning:review_take", slug=slug, practice_id=attempt.pk)
    summary = (
        review_summary(participant=participant, contest=contest, now=clock.now())
        if participant
        else None
    )
    return render(
        request,
        "learning/review_home.html",
        {
            "contest": contest,
            "is_participant": participant is not None,
            "summary": summary,
            "running": (
                practice_open_for(participant=participant, contest=contest, kind=REVIEW)
                if participant
                else None
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_take(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    """One question at a time. GET: the next question not answered yet, or with `?cau=N` an
    answered one with its key (if the policy still allows it). POST (`cau`, `q<id>`): answer
    question N, then see it marked. When every question is answered: the summary."""
    attempt = _practice_or_404(request, slug, practice_id, REVIEW)
    contest = attempt.contest
    summary = review_summary(participant=attempt.participant, contest=contest, now=clock.now())
    allowed = summary.allowed_question_ids
    asked = request.POST.get("cau") if request.method == "POST" else request.GET.get("cau")
    number = parse_id(asked) if asked not in (None, "") else review_next_number(attempt=attempt)
    error, status = None, 200
    if asked not in (None, "") and number is None:
        error, status = _("Số câu hỏi không hợp lệ."), 400
    if request.method == "POST" and number is not None:
        question = review_question(attempt=attempt, number=number, allowed=set())
        if question is None:
            error, status = _("Số câu hỏi không hợp lệ."), 400
        else:
            try:
                attempt = review_service.review_answer(
                    attempt=attempt,
                    question_id=question["id"],
                    option_id=request.POST.get(f"q{question['id']}"),
                    allowed=allowed,
                )
            except Refused as refused:
                error, status = refused.message, 400 if refused.code == "bad_option" else 403
            else:
                url = reverse("learning:review_take", args=[slug, attempt.pk])
                return redirect(f"{url}?cau={number}")
    question = None
    if number is not None and status != 403:
        question = review_question(attempt=attempt, number=number, allowed=allowed)
        if question is None:
            error, status = _("Số câu hỏi không hợp lệ."), 404
        elif not question["allowed"]:
            error, status = _("Chưa đến thời gian xem đáp án theo thể lệ cuộc thi."), 403
            question = None
    answered = len(attempt.answers)
    return render(
        request,
        "learning/review_take.html",
        {
            "attempt": attempt,
            "contest": contest,
            "question": question,
            "next_number": review_next_number(attempt=attempt),
            "answered": answered,
            "total": attempt.question_count,
            "finished": attempt.status != OPEN,
            "error": error,
            "summary": summary if attempt.status != OPEN else None,
        },
        status=status,
    )


@require_POST
@login_required
def review_end(request: HttpRequest, slug: str, practice_id: int) -> HttpResponse:
    """End a review early; the questions left stay to be reviewed next time."""
    attempt = _practice_or_404(request, slug, practice_id, REVIEW)
    review_service.review_finish(attempt=attempt)
    return redirect("learning:review", slug=slug)
