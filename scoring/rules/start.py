"""Who may start an attempt now: one pure function, `start_refusal`.

`scoring.services.attempts.attempt_start` gathers `StartFacts` (one registration, the
contest's window, the round chosen, attempts used) and raises `Refused` on a refusal; an
allowed start either resumes the attempt already running or draws a new one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from contests.refusals import Refusal
from participants.identity import GUARDIAN_AGE

MESSAGES = {
    "no_consent": _("Đăng ký dự thi của bạn chưa hoàn tất: thiếu xác nhận đồng ý tham gia."),
    "no_guardian": _(
        "Người dự thi dưới %(age)s tuổi cần có sự đồng ý của cha, mẹ hoặc người giám hộ."
    ),
    "disqualified": _("Bạn đã bị truất quyền dự thi cuộc thi này. Vui lòng liên hệ Ban Tổ chức."),
    "excluded": _(
        "Số giấy tờ của bạn thuộc danh sách không được dự thi cuộc thi này "
        "(thành viên Ban Tổ chức, Ban Giám khảo…)."
    ),
    "contest_not_open": _("Cuộc thi chưa đến thời gian làm bài."),
    "contest_closed": _("Cuộc thi đã kết thúc, không thể bắt đầu bài thi mới."),
    "no_round": _("Hiện không có vòng thi nào đang mở."),
    "exhausted": _("Bạn đã dùng hết số lần thi được phép."),
}


@dataclass(frozen=True)
class StartFacts:
    now: datetime.datetime
    # The contest.
    published: bool
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    # The registration: still eligible?
    consent_participation: bool = True
    age_on_reference: int = 99
    guardian_consent: bool = False
    disqualified: bool = False
    excluded: bool = False
    # An open attempt whose deadline (plus grace) has not passed.
    attempt_running: bool = False
    # With rounds: whether the round asked for (else the current one) is open now.
    has_rounds: bool = False
    round_open: bool = False
    # Attempts already started in this round (the whole contest without rounds); 0 allowed
    # means unlimited.
    attempts_used: int = 0
    attempts_allowed: int = 0


def _refusal(code: str) -> Refusal:
    # Formatted here, not at import: the message follows the language active now.
    return Refusal(code, MESSAGES[code] % {"age": GUARDIAN_AGE})


def start_refusal(facts: StartFacts) -> Refusal | None:
    """None when the registration may start (or resume) an attempt now; else why not.

    The person's own standing is asked first: a registration no longer eligible resumes
    nothing. An attempt already running is then resumed whatever the window (its deadline
    is capped at the close). Only a new attempt needs the window, the round and an attempt
    left."""
    if not facts.consent_participation:
        return _refusal("no_consent")
    if facts.age_on_reference < GUARDIAN_AGE and not facts.guardian_consent:
        return _refusal("no_guardian")
    if facts.disqualified:
        return _refusal("disqualified")
    if facts.excluded:
        return _refusal("excluded")
    if facts.attempt_running:
        return None
    if facts.now >= facts.closes_at:
        return _refusal("contest_closed")
    if not facts.published or facts.now < facts.opens_at:
        return _refusal("contest_not_open")
    if facts.has_rounds and not facts.round_open:
        return _refusal("no_round")
    if facts.attempts_allowed and facts.attempts_used >= facts.attempts_allowed:
        return _refusal("exhausted")
    return None
