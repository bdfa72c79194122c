"""Who may start an attempt now: the pure rule, one row per reason."""

import dataclasses
import datetime

import pytest

from scoring.rules.start import StartFacts, start_refusal

OPENS = datetime.datetime(2023, 9, 1, 0, 0, tzinfo=datetime.UTC)
CLOSES = datetime.datetime(2023, 9, 30, 17, 0, tzinfo=datetime.UTC)
NOW = datetime.datetime(2023, 9, 10, 8, 0, tzinfo=datetime.UTC)
FACTS = StartFacts(now=NOW, published=True, opens_at=OPENS, closes_at=CLOSES, age_on_reference=30)

NOT_OPEN = "Cuộc thi chưa đến thời gian làm bài."
CLOSED = "Cuộc thi đã kết thúc, không thể bắt đầu bài thi mới."
NO_ROUND = "Hiện không có vòng thi nào đang mở."
EXHAUSTED = "Bạn đã dùng hết số lần thi được phép."
NO_CONSENT = "Đăng ký dự thi của bạn chưa hoàn tất: thiếu xác nhận đồng ý tham gia."
NO_GUARDIAN = "Người dự thi dưới 16 tuổi cần có sự đồng ý của cha, mẹ hoặc người giám hộ."
DISQUALIFIED = "Bạn đã bị truất quyền dự thi cuộc thi này. Vui lòng liên hệ Ban Tổ chức."
EXCLUDED = (
    "Số giấy tờ của bạn thuộc danh sách không được dự thi cuộc thi này (thành viên Ban Tổ "
    "chức, Ban Giám khảo…)."
)

CASES = [
    # (changes, code, message)
    ({}, None, None),
    ({"now": OPENS - datetime.timedelta(seconds=1)}, "contest_not_open", NOT_OPEN),
    ({"now": OPENS}, None, None),
    ({"published": False}, "contest_not_open", NOT_OPEN),
    ({"now": CLOSES}, "contest_closed", CLOSED),
    ({"now": CLOSES, "published": False}, "contest_closed", CLOSED),
    ({"has_rounds": True, "round_open": False}, "no_round", NO_ROUND),
    ({"has_rounds": True, "round_open": True}, None, None),
    ({"attempts_used": 3, "attempts_allowed": 3}, "exhausted", EXHAUSTED),
    ({"attempts_used": 2, "attempts_allowed": 3}, None, None),
    ({"attempts_used": 500, "attempts_allowed": 0}, None, None),  # 0 = unlimited
    ({"consent_participation": False}, "no_consent", NO_CONSENT),
    ({"age_on_reference": 15}, "no_guardian", NO_GUARDIAN),
    ({"age_on_reference": 15, "guardian_consent": True}, None, None),
    ({"age_on_reference": 16}, None, None),
    ({"disqualified": True}, "disqualified", DISQUALIFIED),
    ({"excluded": True}, "excluded", EXCLUDED),
    # A running attempt resumes whatever the window and the count...
    (
        {"attempt_running": True, "now": CLOSES, "attempts_used": 3, "attempts_allowed": 3},
        None,
        None,
    ),
    ({"attempt_running": True, "has_rounds": True}, None, None),
    # ...but not once the person is out of the contest.
    ({"attempt_running": True, "disqualified": True}, "disqualified", DISQUALIFIED),
    ({"attempt_running": True, "consent_participation": False}, "no_consent", NO_CONSENT),
]


@pytest.mark.parametrize(("changes", "code", "message"), CASES)
def test_start_refusal(changes, code, message):
    refusal = start_refusal(dataclasses.replace(FACTS, **changes))
    if code is None:
        assert refusal is None
    else:
        assert (refusal.code, str(refusal.message)) == (code, message)
