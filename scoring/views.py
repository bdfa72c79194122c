"""Taking the test: thin adapters over scoring.services.attempts and scoring.selectors.attempts.

Every page works without JavaScript (plain form posts); static/js/attempt.js adds the countdown,
autosave and the automatic submit at the deadline."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from contest_site import clock
from contest_site.untrusted import JsonRefused, loads_bounded
from contests.models import Contest
from contests.refusals import Refused
from contests.selectors import contest_page
from participants.client_key import client_key_for
from participants.models import Registration
from participants.ratelimit import client_address
from scoring.lookup import NOT_FOUND, LookupForm, lookup_limit_hit, registration_by_identity
from scoring.models import Attempt
from scoring.models.appeals import TEXT_MAX as APPEAL_TEXT_MAX
from scoring.rules.prediction_question import prediction_question
from scoring.selectors.appeals import appeal_for_attempt
from scoring.selectors.attempts import (
    GRACE,
    attempt_for_session_to_answer,
    attempt_for_user,
    attempt_for_user_to_answer,
    attempt_list_for_user,
    attempt_review,
    attempts_allowed,
    attempts_left,
    autosave_timing,
    exam_questions,
    seconds_remaining,
)
from scoring.selectors.certificates import certificates_of_user
from scoring.selectors.public_results import results_lookup as lookup_for
from scoring.selectors.public_results import round_winners, winners_board
from scoring.selectors.results import snapshot_latest
from scoring.services.appeals import appeal_file
from scoring.services.attempts import (
    attempt_autosave,
    attempt_start,
    attempt_submit,
    seq_clean,
)

# Seconds before the deadline at which the page stops autosaving (and submits at 0).
AUTOSAVE_STOP_SECONDS = 5
SCORE = Contest.ReviewContent.SCORE


def _join_url(slug: str) -> str:
    try:
        return reverse("participants:join", args=[slug])
    except NoReverseMatch:
        return reverse("participants:my_contests")


def _registration_for(*, user, slug: str) -> Registration | None:
    return (
        Registration.objects.select_related("contest")
        .filter(contest__slug=slug, participant__user_id=user.pk)
        .first()
    )


def _attempt_or_404(request: HttpRequest, attempt_id: int, *, to_answer=False) -> Attempt:
    select = attempt_for_user_to_answer if to_answer else attempt_for_user
    attempt = select(attempt_id=attempt_id, user=request.user)
    if attempt is None:
        raise Http404(_("Không tìm thấy bài thi."))
    return attempt


def attempt_to_answer(view):
    """For autosave and submit: the view gets the person's open-or-not attempt. The session
    and the attempt are checked in one query (`attempt_for_session_to_answer`); when that is
    not conclusive, the usual path decides: the login page, or a 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, attempt_id: int) -> HttpResponse:
        attempt = attempt_for_session_to_answer(attempt_id=attempt_id, session=request.session)
        if attempt is None:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            attempt = _attempt_or_404(request, attempt_id, to_answer=True)
        return view(request, attempt)

    return wrapped


def _form_answers(data) -> dict:
    """Answers from a form post: fields "q<question id>" = option id."""
    return {key[1:]: value for key, value in data.items() if key[:1] == "q"}


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what the test is, and the start button. POST: start (or resume) and go to it.
    (Mass-start admission control runs before this: scoring.middleware.)"""
    registration = _registration_for(user=request.user, slug=slug)
    if registration is None:
        messages.info(request, _("Bạn cần đăng ký tham gia cuộc thi trước khi làm bài."))
        return redirect(_join_url(slug))
    contest = registration.contest
    if request.method == "GET":
        open_attempt = registration.attempts.filter(status=Attempt.Status.OPEN).first()
        allowed = attempts_allowed(contest=contest, round=None)
        used = registration.attempts.count()
        return render(
            request,
            "scoring/start.html",
            {
                "contest": contest,
                "open_attempt": open_attempt,
                "attempts_allowed": allowed,
                "attempts_used": used,
                "extra_minutes": registration.extra_minutes,
                "total_minutes": contest.time_limit_minutes + registration.extra_minutes,
            },
        )
    try:
        attempt = attempt_start(registration=registration, client_key=client_key_for(request))
    except Refused as refused:
        return render(
            request,
            "scoring/start_refused.html",
            {"contest": contest, "message": refused.message},
            status=403 if refused.code != "busy" else 503,
        )
    return redirect("scoring:take", attempt_id=attempt.pk)


@login_required
def take(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The test page: every question with its options in the stored order, saved answers
    checked, the countdown from the server's seconds remaining. Never the key."""
    attempt = _attempt_or_404(request, attempt_id)
    now = clock.now()
    if attempt.status != Attempt.Status.OPEN:
        return redirect("scoring:result", attempt_id=attempt.pk)
    if now > attempt.deadline + GRACE:
        attempt_submit(attempt=attempt, now=now)
        messages.info(request, _("Đã hết thời gian làm bài. Bài thi đã được nộp."))
        return redirect("scoring:result", attempt_id=attempt.pk)
    return _render_take(request, attempt, now=now)


def _render_take(request, attempt: Attempt, *, now, error=None, posted=None, status=200):
    questions, answered = exam_questions(
        items=attempt.items, answers={**attempt.answers, **(posted or {})}
    )
    remaining = seconds_remaining(attempt=attempt, now=now)
    # A round with its own prediction question asks it instead of the contest's.
    question = prediction_question(attempt.contest, attempt.round if attempt.round_id else None)
    return render(
        request,
        "scoring/take.html",
        {
            "attempt": attempt,
            "contest": attempt.contest,
            "prediction_text": question.text,
            "questions": questions,
            "answered": answered,
            "total": len(questions),
            "remaining": remaining,
            "remaining_display": f"{remaining // 60:02d}:{remaining % 60:02d}",
            "autosave_stop": AUTOSAVE_STOP_SECONDS,
            **autosave_timing(),
            "error": error,
        },
        status=status,
    )


@require_POST
@attempt_to_answer
def autosave(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    """JSON {"seq": n, "answers": {question id: option id}, "prediction": n} from the page's
    script: a numbered batch of every answer the server has not acknowledged yet; or the no-JS
    "save" button's form post. Idempotent. The reply's "saved" is true only when the server
    holds every answer of this batch; "seq" is the number of the last batch written."""
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
        answers, prediction = payload.get("answers") or {}, payload.get("prediction")
        seq = payload.get("seq")
    else:
        answers, prediction = _form_answers(request.POST), request.POST.get("prediction")
        seq = None
    now = clock.now()
    try:
        attempt, saved = attempt_autosave(
            attempt=attempt, answers=answers, prediction=prediction, seq=seq_clean(seq), now=now
        )
    except Refused as refused:
        final = refused.code in ("submitted", "expired")
        if is_json:
            body = {"ok": False, "code": refused.code, "error": str(refused.message)}
            if final:
                body["result_url"] = reverse("scoring:result", args=[attempt.pk])
            return JsonResponse(body, status=409 if final else 400)
        if final:
            messages.error(request, refused.message)
            return redirect("scoring:result", attempt_id=attempt.pk)
        return _render_take(request, attempt, now=now, error=refused.message, status=400)
    if is_json:
        return JsonResponse(
            {
                "ok": True,
                "saved": saved,
                "seq": attempt.autosave_seq,
                "answered": len(attempt.answers),
                "total": attempt.question_count,
                "remaining": seconds_remaining(attempt=attempt, now=now),
            }
        )
    messages.success(request, _("Đã lưu câu trả lời."))
    return redirect("scoring:take", attempt_id=attempt.pk)


@require_POST
@attempt_to_answer
def submit(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    """Submit once; any later submit of the same attempt lands on the same result page."""
    if attempt.status != Attempt.Status.OPEN:
        return redirect("scoring:result", attempt_id=attempt.pk)
    now = clock.now()
    posted = _form_answers(request.POST)
    try:
        attempt, created = attempt_submit(
            attempt=attempt, answers=posted, prediction=request.POST.get("prediction"), now=now
        )
    except Refused as refused:
        return _render_take(request, attempt, now=now, error=refused.message, status=400)
    if created and now > attempt.deadline + GRACE:
        messages.warning(
            request,
            _(
                "Bài thi được nộp sau khi hết giờ: chỉ các câu trả lời đã lưu trước thời hạn "
                "được tính."
            ),
        )
    return redirect("scoring:result", attempt_id=attempt.pk)


@login_required
@require_http_methods(["GET", "POST"])
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The result of an attempt. POST: file an appeal on it ("noi-dung"), while the contest's
    results are provisional (scoring.services.appeals.appeal_file)."""
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.status == Attempt.Status.OPEN:
        now = clock.now()
        if now <= attempt.deadline + GRACE:
            return redirect("scoring:take", attempt_id=attempt.pk)
        attempt, _created = attempt_submit(attempt=attempt, now=now)
    appeal_error, status = None, 200
    if request.method == "POST":
        try:
            appeal_file(attempt=attempt, user=request.user, text=request.POST.get("noi-dung", ""))
        except Refused as refused:
            appeal_error, status = refused.message, 400
        else:
            messages.success(request, _("Đã gửi đơn phúc khảo. Ban Tổ chức sẽ trả lời tại đây."))
            return redirect("scoring:result", attempt_id=attempt.pk)
    graded = attempt.status == Attempt.Status.GRADED
    duration_ms = attempt.duration_ms
    if duration_ms is None and attempt.finished_at is not None:
        duration_ms = int((attempt.finished_at - attempt.started_at).total_seconds() * 1000)
    review = attempt_review(attempt=attempt)  # None unless the review policy allows it
    return render(
        request,
        "scoring/result.html",
        {
            "attempt": attempt,
            "contest": attempt.contest,
            "graded": graded,
            "duration_display": _duration_display((duration_ms or 0) // 1000),
            "attempts_left": attempts_left(attempt=attempt),
            "review": review,
            "review_later": graded and review is None and attempt.contest.review_content != SCORE,
            **(_appeal_context(attempt) if graded else {}),
            "appeal_error": appeal_error,
            "appeal_text": request.POST.get("noi-dung", "") if appeal_error else "",
            "appeal_max": APPEAL_TEXT_MAX,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def result_status(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """Whether the attempt is graded yet: what static/js/result.js asks in the background while
    the result page waits (one indexed row; no page to render, no meta refresh)."""
    attempt = _attempt_or_404(request, attempt_id, to_answer=True)  # no joins
    return JsonResponse(
        {"status": attempt.status, "graded": attempt.status == Attempt.Status.GRADED}
    )


def _appeal_context(attempt: Attempt) -> dict:
    """The appeal filed on the attempt (with its answer), or whether one may be filed now."""
    appeal = appeal_for_attempt(attempt=attempt)
    snapshot = None if appeal else snapshot_latest(contest=attempt.contest_id)
    open_until = None
    until = snapshot.provisional_until if snapshot is not None else None
    if until is not None and clock.now() < until:
        open_until = until
    return {"appeal": appeal, "appeal_open_until": open_until}


def _duration_display(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    return _("%(minutes)d phút %(seconds)02d giây") % {"minutes": minutes, "seconds": seconds}


@login_required
def my_attempts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scoring/my_attempts.html",
        {
            "attempts": attempt_list_for_user(user=request.user),
            "certificates": certificates_of_user(user=request.user),
        },
    )


# --- Results lookup ("Tra cứu kết quả") -----------------------------------------------------


def _lookup_refused(request, *, contest, scope: str, wait: int) -> HttpResponse:
    response = render(
        request,
        "scoring/results_rate_limited.html",
        {"contest": contest, "scope": scope, "seconds": wait},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def _lookup_round(request: HttpRequest, page, overall_published: bool):
    """(the round the lookup is about or None for the overall results, the rounds whose
    results are published, why the asked round cannot be looked up or ""). `?vong=N` picks
    round N; without it the overall results, or the last published round while the overall
    results are not out (a weekly contest between weeks)."""
    contest = page.contest
    published = [r for r in page.rounds if round_winners(contest=contest, round=r) is not None]
    raw = (request.GET.get("vong") or "").strip()
    if not raw:
        if not overall_published and published:
            return published[-1], published, ""
        return None, published, ""
    chosen = next((r for r in published if str(r.number) == raw), None)
    if chosen is None:
        message = _("Cuộc thi này chưa công bố kết quả vòng thi “%(value)s”.") % {"value": raw[:20]}
        return None, published, message
    return chosen, published, ""


@never_cache
@require_http_methods(["GET", "POST"])
def results_lookup(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: a logged-in registered citizen sees their own result; everyone gets the form.
    POST: the lookup by document number + date of birth, rate-limited per address and per
    number; an unknown number and a wrong date of birth get the same message
    (scoring.lookup). The overall results, or one round's (`?vong=`). Personal data: never
    cached."""
    page = contest_page(slug=slug)
    if page is None:
        raise Http404(_("Không có cuộc thi này."))
    contest = page.contest
    overall_published = winners_board(contest=contest) is not None
    round_, published_rounds, missing = _lookup_round(request, page, overall_published)
    context = {
        "contest": contest,
        "published": round_ is not None or overall_published,
        "lookup": None,
        "form": LookupForm(),
        "round": round_,
        "published_rounds": published_rounds,
        "overall_published": overall_published,
        "missing": missing,
    }
    if missing:  # a round not published or not the contest's: say so, offer the others
        context["published"] = False
        return render(request, "scoring/results_lookup.html", context, status=404)
    if not context["published"]:
        return render(request, "scoring/results_lookup.html", context)
    if request.method == "GET":
        if request.user.is_authenticated:
            registration = (
                Registration.objects.select_related("contest", "participant", "unit")
                .filter(contest=contest, participant__user_id=request.user.pk)
                .first()
            )
            if registration is not None:
                context["lookup"] = lookup_for(registration=registration, own=True, round=round_)
        return render(request, "scoring/results_lookup.html", context)
    wait = lookup_limit_hit(scope="address", value=client_address(request))
    if wait is not None:
        return _lookup_refused(request, contest=contest, scope="address", wait=wait)
    form = LookupForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "scoring/results_lookup.html", context, status=400)
    number = form.cleaned_data["document_number"]
    wait = lookup_limit_hit(scope="number", value=number)
    if wait is not None:
        return _lookup_refused(request, contest=contest, scope="number", wait=wait)
    registration = registration_by_identity(
        contest=contest, number=number, date_of_birth=form.cleaned_data["date_of_birth"]
    )
    if registration is None:
        form.add_error(None, NOT_FOUND)
        return render(request, "scoring/results_lookup.html", context)
    context["lookup"] = lookup_for(registration=registration, own=False, round=round_)
    return render(request, "scoring/results_lookup.html", context)
