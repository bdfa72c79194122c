"""What "Xoá tài khoản" does for one person: one pure function, `deletion_plan`.

A contest's results must stay true for its retention period (Contest.retention_days after it
closes; participants.retention purges document numbers on the same clock): figures, prize
lists and appeals rest on them. So an account that entered no contest is deleted at once;
one that did is closed at once and anonymised when the last retention period ends (at once
if that has passed). Law 91/2025/QH15 lets a controller keep data a legal duty requires; the
reason is shown to the person."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _


class DeletionMode(enum.StrEnum):
    DELETE_NOW = "delete_now"
    ANONYMISE_NOW = "anonymise_now"
    ANONYMISE_LATER = "anonymise_later"


@dataclass(frozen=True)
class Entry:
    """One contest the person entered: its title and its retention clock."""

    title: str
    closes_at: datetime.datetime
    retention_days: int

    @property
    def keep_until(self) -> datetime.datetime:
        return self.closes_at + datetime.timedelta(days=self.retention_days)


@dataclass(frozen=True)
class DeletionPlan:
    mode: DeletionMode
    due_at: datetime.datetime | None
    reason: str


def deletion_plan(entries: list[Entry], *, now: datetime.datetime) -> DeletionPlan:
    """What deleting the account does now, when, and the sentence that says why."""
    if not entries:
        return DeletionPlan(
            DeletionMode.DELETE_NOW,
            None,
            _(
                "Bạn chưa đăng ký dự thi cuộc thi nào, nên tài khoản và mọi dữ liệu của bạn "
                "được xoá ngay."
            ),
        )
    last = max(entries, key=lambda e: (e.keep_until, e.title))
    if last.keep_until <= now:
        return DeletionPlan(
            DeletionMode.ANONYMISE_NOW,
            now,
            _(
                "Thời hạn lưu kết quả của các cuộc thi bạn đã tham gia đã hết, nên tài khoản "
                "được ẩn danh ngay: họ tên, số giấy tờ, số điện thoại và thư điện tử bị xoá; "
                "kết quả chỉ còn trong số liệu thống kê, không gắn với bạn."
            ),
        )
    day = timezone.localtime(last.keep_until).date()
    return DeletionPlan(
        DeletionMode.ANONYMISE_LATER,
        last.keep_until,
        _(
            "Bạn đã tham gia cuộc thi “%(title)s”: kết quả phải được lưu đến ngày %(date)s "
            "(thời hạn lưu trữ của cuộc thi) để số liệu và giải thưởng luôn đúng. Tài khoản "
            "được khoá ngay (không đăng nhập được nữa) và được ẩn danh vào ngày đó."
        )
        % {"title": last.title, "date": formats.date_format(day, "d/m/Y")},
    )
