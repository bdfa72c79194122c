"""Appeals ("phúc khảo"): a citizen files one on their own graded attempt while the contest's
latest published results are provisional; an organiser whose subtree holds the registration
answers it once. Answering changes no score: an accepted appeal is acted on by the organiser
(an answer-key fix and regrade, a disqualification revoked…) and shows in the final
publication, which records what changed (scoring.services.prizes.results_publish)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from contest_site.untrusted import unsafe_text
from contests.refusals import Refused
from contests.selectors import path_prefix_for
from contests.templatetags.contest_tags import vn_time
from scoring.models import Appeal, Attempt
from scoring.models.appeals import ANSWER_MAX, TEXT_MAX
from scoring.selectors.appeals import appeal_for_attempt
from scoring.selectors.results import snapshot_latest


def _already_filed() -> Refused:
    return Refused(
        "already_filed",
        _("Bạn đã gửi phúc khảo cho bài thi này: mỗi bài thi chỉ được phúc khảo một lần."),
    )


def _text_refusal(text: str, *, limit: int, empty: str, too_long: str) -> Refused | None:
    if not text:
        return Refused("empty", empty)
    if len(text) > limit:
        numbers = {"max": number_format(limit), "length": number_format(len(text))}
        return Refused("too_long", too_long % numbers)
    if unsafe_text(text):
        return Refused("bad_text", _("Nội dung có ký tự điều khiển không hợp lệ."))
    return None


def appeal_file(
    *, attempt: Attempt, user, text: str, now: datetime.datetime | None = None
) -> Appeal:
    """File the appeal of `user` on `attempt`. Refused (nothing written) unless the attempt is
    the user's own and graded, the latest published results are provisional and still open at
    `now`, no appeal was filed on it before, and the text is 1..TEXT_MAX characters. At most
    one appeal per attempt whatever the timing: a unique constraint, whose violation by a
    concurrent request gets the same refusal as the check."""
    now = now or timezone.now()
    if attempt.registration.participant.user_id != user.pk:
        raise Refused("not_own", _("Không tìm thấy bài thi."))
    if attempt.status != Attempt.Status.GRADED:
        raise Refused("not_graded", _("Chỉ có thể phúc khảo bài thi đã chấm xong."))
    snapshot = snapshot_latest(contest=attempt.contest)
    if snapshot is None or snapshot.provisional_until is None:
        raise Refused(
            "not_provisional",
            _(
                "Cuộc thi không có kết quả tạm thời đang nhận phúc khảo: chỉ gửi được phúc "
                "khảo khi Ban Tổ chức công bố kết quả tạm thời."
            ),
        )
    if now >= snapshot.provisional_until:
        raise Refused(
            "period_over",
            _("Đã hết thời hạn phúc khảo (đến %(until)s).")
            % {"until": vn_time(snapshot.provisional_until)},
        )
    if appeal_for_attempt(attempt=attempt) is not None:
        raise _already_filed()
    text = (text or "").strip()
    refusal = _text_refusal(
        text,
        limit=TEXT_MAX,
        empty=_("Vui lòng nhập nội dung phúc khảo."),
        too_long=_("Nội dung phúc khảo tối đa %(max)s ký tự (bạn đã nhập %(length)s ký tự)."),
    )
    if refusal:
        raise refusal
    try:
        with transaction.atomic():
            return Appeal.objects.create(
                attempt=attempt,
                registration_id=attempt.registration_id,
                contest_id=attempt.contest_id,
                snapshot=snapshot,
                text=text,
                filed_by=user,
                filed_at=now,
            )
    except IntegrityError:
        raise _already_filed() from None


def appeal_answer(
    *, appeal: Appeal, user, status: str, answer: str, now: datetime.datetime | None = None
) -> Appeal:
    """Answer `appeal` once: status accepted or rejected, the answer text, who and when, in
    one conditional UPDATE on a still pending row, so two organisers answering at once leave
    the first answer and the second is refused. Refused (nothing written) for an organiser
    whose subtree does not hold the registration, a status other than those two, an empty or
    too long answer."""
    now = now or timezone.now()
    prefix = path_prefix_for(user=user)
    if prefix is None or not appeal.registration.unit.path.startswith(prefix):
        raise Refused("forbidden", _("Bạn không có quyền trả lời đơn phúc khảo này."))
    if status not in (Appeal.Status.ACCEPTED, Appeal.Status.REJECTED):
        raise Refused("bad_status", _("Vui lòng chọn chấp nhận hoặc không chấp nhận."))
    answer = (answer or "").strip()
    refusal = _text_refusal(
        answer,
        limit=ANSWER_MAX,
        empty=_("Vui lòng nhập nội dung trả lời."),
        too_long=_("Nội dung trả lời tối đa %(max)s ký tự (bạn đã nhập %(length)s ký tự)."),
    )
    if refusal:
        raise refusal
    updated = Appeal.objects.filter(pk=appeal.pk, status=Appeal.Status.PENDING).update(
        status=status, answer=answer, answered_by=user, answered_at=now
    )
    if not updated:
        raise Refused(
            "answered",
            _("Đơn phúc khảo này đã được trả lời: mỗi đơn chỉ được trả lời một lần."),
        )
    appeal.refresh_from_db()
    return appeal
