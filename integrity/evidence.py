"""A flag's evidence as the organiser reads it: one Vietnamese sentence from the figures that
detection stored (integrity.services.detection writes them; nothing here queries)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from integrity.rules import anomalies
from scoring.selectors.public_results import duration_text


def _local(value: str) -> datetime.datetime | None:
    moment = parse_datetime(value or "")
    if moment is None:
        return None
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _number(value) -> str:
    """1234 -> "1.234" (the dot groups thousands in Vietnamese)."""
    return f"{int(value):,}".replace(",", ".")


def _percent(value: float) -> str:
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def evidence_text(kind: str, evidence: dict) -> str:
    """The sentence for a flag of `kind` with `evidence`; a short fallback for evidence of an
    unknown shape (never an error on the review page)."""
    try:
        return _TEXTS[kind](evidence)
    except (KeyError, TypeError, ValueError):
        return _("Không đọc được bằng chứng của dấu hiệu này.")


def _too_fast(e: dict) -> str:
    return _(
        "Đúng tất cả %(count)s câu trong %(duration)s, trong khi chỉ đọc %(chars)s ký tự của "
        "đề và các phương án (%(speed)s ký tự/giây, ít nhất %(floor)s giây mỗi câu) đã cần "
        "ít nhất %(needed)s."
    ) % {
        "count": e["question_count"],
        "duration": duration_text(e["duration_ms"]),
        "chars": _number(e["text_chars"]),
        "speed": anomalies.READING_CHARS_PER_SECOND,
        "floor": anomalies.FLOOR_SECONDS_PER_QUESTION,
        "needed": duration_text(e["floor_ms"]),
    }


def _same_answers(e: dict) -> str:
    where = _("cùng một thiết bị") if e["same_device"] else _("cùng một địa chỉ mạng")
    return _(
        "%(size)s bài thi của %(people)s người từ %(where)s có %(answered)s câu trả lời giống "
        "hệt nhau, trong đó %(wrong)s câu sai giống nhau; thời gian làm bài gần như bằng "
        "nhau: %(durations)s."
    ) % {
        "size": e["size"],
        "people": e["people"],
        "where": where,
        "answered": e["answered"],
        "wrong": e["wrong"],
        "durations": ", ".join(duration_text(ms) for ms in e["durations_ms"]),
    }


def _registration_burst(e: dict) -> str:
    first, last = _local(e["first"]), _local(e["last"])
    where = _("cùng một thiết bị") if e["scope"] == "device" else _("cùng một địa chỉ mạng")
    minutes = max(1, round((last - first).total_seconds() / 60))
    return _(
        "%(size)s lượt đăng ký từ %(where)s trong %(minutes)s phút (%(start)s–%(end)s ngày "
        "%(day)s); ngưỡng: %(count)s lượt trong %(window)s phút."
    ) % {
        "size": e["size"],
        "where": where,
        "minutes": minutes,
        "start": first.strftime("%H:%M"),
        "end": last.strftime("%H:%M"),
        "day": first.strftime("%d/%m/%Y"),
        "count": e["threshold"],
        "window": e["window_minutes"],
    }


def _phone_sequence(e: dict) -> str:
    day = datetime.date.fromisoformat(e["day"])
    return _(
        "%(size)s số điện thoại liên tiếp nhau (từ %(first)s đến %(last)s) cùng đăng ký dự "
        "thi ngày %(day)s."
    ) % {
        "size": e["size"],
        "first": e["first"],
        "last": e["last"],
        "day": day.strftime("%d/%m/%Y"),
    }


def _regular_intervals(e: dict) -> str:
    if e["scope"] == "address":
        who = _("%(count)s bài thi từ cùng một địa chỉ mạng") % {"count": e["attempts"]}
    else:
        who = _("%(count)s bài thi của cùng một người") % {"count": e["attempts"]}
    return _(
        "%(who)s được nộp cách nhau đều đặn như máy: trung bình %(gap)s một bài, độ lệch "
        "chỉ %(cv)s (người làm bài thật thường lệch vài chục phần trăm)."
    ) % {
        "who": who,
        "gap": duration_text(round(e["mean_gap_seconds"] * 1000)),
        "cv": _percent(e["cv"]),
    }


_TEXTS = {
    "too_fast": _too_fast,
    "same_answers": _same_answers,
    "registration_burst": _registration_burst,
    "phone_sequence": _phone_sequence,
    "regular_intervals": _regular_intervals,
}
