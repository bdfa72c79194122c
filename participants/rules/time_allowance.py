"""Who may give a person extra time on the test, and how much: one pure function,
`time_allowance_refusal` (participants.allowances.time_allowance_grant asks it).

An organiser gives it to a registration inside their own subtree only (the person's unit, as
every other organiser action); the city (or a superuser) to anyone. The allowance is a number
of minutes added to every attempt's time limit (scoring.rules.deadline), 0 to take it back,
and it is always given with a reason, which the audit row keeps."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contests.refusals import Refusal

MAX_EXTRA_MINUTES = 240
REASON_MAX = 300

MESSAGES = {
    "outside": _("Đăng ký này không thuộc đơn vị bạn quản lý: bạn không thể cho thêm thời gian."),
    "minutes": _("Số phút làm bài thêm phải là số nguyên từ 0 đến %(max)s."),
    "reason": _("Vui lòng ghi lý do cho thêm thời gian (tối đa %(max)s ký tự)."),
}


def time_allowance_refusal(
    *, organiser_prefix: str | None, unit_path: str, minutes: int, reason: str
) -> Refusal | None:
    """None when the grant is allowed. `organiser_prefix` is contests.selectors.
    path_prefix_for(user): "" for the whole tree, None for nothing."""
    if organiser_prefix is None or not unit_path.startswith(organiser_prefix):
        return Refusal("outside", MESSAGES["outside"])
    if not 0 <= minutes <= MAX_EXTRA_MINUTES:
        return Refusal("minutes", MESSAGES["minutes"] % {"max": MAX_EXTRA_MINUTES})
    if not reason.strip() or len(reason) > REASON_MAX:
        return Refusal("reason", MESSAGES["reason"] % {"max": REASON_MAX})
    return None
