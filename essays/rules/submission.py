"""When a person may change or submit their essay, and what a submitted answer must hold.
Pure: the service passes in the facts (times, status, the task's answer mode and limits)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contests.refusals import Refusal

from .words import TEXT_MAX_CHARS

TYPED = "typed"
UPLOAD = "upload"
EITHER = "either"


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "H:i d/m/Y")


def change_refusal(
    *,
    opens_at: datetime.datetime,
    unit_deadline: datetime.datetime,
    submitted_at: datetime.datetime | None,
    now: datetime.datetime,
) -> Refusal | None:
    """May the entry be changed (draft saved or submitted) at `now`? Once submitted, never;
    the unit's deadline is exclusive (17:00 means up to 16:59:59)."""
    if submitted_at is not None:
        return Refusal(
            "submitted",
            _("Bài đã nộp lúc %(when)s và không thể sửa hay nộp lại.")
            % {"when": _when(submitted_at)},
        )
    if now < opens_at:
        return Refusal(
            "not_open",
            _("Chưa đến thời gian nhận bài (bắt đầu từ %(when)s).") % {"when": _when(opens_at)},
        )
    if now >= unit_deadline:
        return Refusal(
            "deadline",
            _("Đã hết hạn nộp bài (%(when)s). Bài không được lưu.")
            % {"when": _when(unit_deadline)},
        )
    return None


def answer_refusal(
    *,
    answer_mode: str,
    word_limit: int | None,
    text_chars: int,
    words: int,
    has_file: bool,
    submitting: bool,
) -> Refusal | None:
    """Does the answer (as it would be after this change) fit the task's rules? A draft may
    be empty or half done; a submission holds exactly one kind of answer."""
    has_text = words > 0
    if text_chars > TEXT_MAX_CHARS:
        return Refusal(
            "too_long",
            _("Bài viết quá dài (tối đa %(max)s ký tự).")
            % {"max": f"{TEXT_MAX_CHARS:,}".replace(",", ".")},
        )
    if answer_mode == TYPED and has_file:
        return Refusal("typed_only", _("Phần thi này chỉ nhận bài gõ trực tiếp trên trang."))
    if answer_mode == UPLOAD and has_text:
        return Refusal(
            "upload_only",
            _("Phần thi này chỉ nhận bài tải lên tệp (PDF, DOCX hoặc ảnh chụp bài viết tay)."),
        )
    if word_limit and words > word_limit:
        return Refusal(
            "word_limit",
            _("Bài viết có %(words)s từ, vượt quá giới hạn %(limit)s từ.")
            % {"words": words, "limit": word_limit},
        )
    if submitting:
        if not has_text and not has_file:
            return Refusal("empty", _("Bài chưa có nội dung: hãy gõ bài viết hoặc tải tệp lên."))
        if has_text and has_file:
            return Refusal(
                "both",
                _(
                    "Bài dự thi chỉ gồm một hình thức: bài gõ trực tiếp hoặc tệp tải lên. "
                    "Hãy xóa bài gõ hoặc bỏ tệp trước khi nộp."
                ),
            )
    return None
