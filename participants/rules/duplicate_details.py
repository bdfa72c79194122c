"""A duplicate-account decision's details (DuplicateSuspect.decision_details, JSON written by
the merge and disqualify services) as lines a clerk reads; unknown keys as they are."""

from __future__ import annotations

from django.utils.translation import gettext as _


def decision_details_lines(details) -> list[str]:
    if not isinstance(details, dict):
        return []
    labels = {
        "kept": _("tài khoản được giữ"),
        "folded": _("tài khoản được gộp vào"),
        "moved_registrations": _("đăng ký dự thi đã chuyển"),
        "disqualified_registrations": _("đăng ký dự thi bị truất quyền"),
    }
    lines = []
    for key, value in details.items():
        if isinstance(value, list):
            text = ", ".join(f"#{v}" for v in value) if value else _("không có")
        else:
            text = f"#{value}" if isinstance(value, int) else str(value)
        lines.append(f"{labels.get(key, key)}: {text}")
    return lines
