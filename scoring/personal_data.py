"""Scoring's part of a person's rights (participants.accounts): the attempts and
certificates in their data download, and the certificate's copy of their name erased when
their account is anonymised. Registered from ScoringConfig.ready."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from participants.accounts.selectors import Section
from participants.models import Participant
from scoring.models import Attempt, Certificate


def attempts_section(participant: Participant) -> Section:
    rows = [
        [
            a.contest.title,
            a.number,
            a.started_at,
            a.submitted_at or a.finished_at,
            "" if a.correct_count is None else f"{a.correct_count}/{a.question_count}",
            a.score,
            "" if a.duration_ms is None else f"{a.duration_ms / 1000:.1f}",
        ]
        for a in Attempt.objects.filter(registration__participant=participant)
        .select_related("contest")
        .order_by("started_at")
    ]
    columns = [
        _("Cuộc thi"),
        _("Lần thi"),
        _("Bắt đầu"),
        _("Nộp bài"),
        _("Số câu đúng"),
        _("Điểm"),
        _("Thời gian làm bài (giây)"),
    ]
    return Section("attempts", _("Các bài thi"), columns, rows)


def certificates_section(participant: Participant) -> Section:
    rows = [
        [c.contest.title, c.award, c.public_name, c.issued_on]
        for c in Certificate.objects.filter(registration__participant=participant)
        .select_related("contest")
        .order_by("issued_on")
    ]
    columns = [_("Cuộc thi"), _("Nội dung"), _("Tên công bố"), _("Ngày cấp")]
    return Section("certificates", _("Giấy chứng nhận"), columns, rows)


def certificates_anonymise(participant_id: int, now: datetime.datetime) -> None:
    Certificate.objects.filter(registration__participant_id=participant_id).update(
        full_name=_("(Tài khoản đã xoá)"), public_name=_("(Tài khoản đã xoá)")
    )
