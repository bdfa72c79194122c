"""Who may read an entry's file and when the person behind an entry code is shown.

Judges see an entry code only; the code is linked to the person (name, unit) for the
organisers once the entry's marking is final, i.e. once it has a final mark (or, for an entry
that was never forwarded to the city, once the task's city deadline has passed and its
preliminary mark is in)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from contests.refusals import Refusal


def identity_revealed(
    *,
    final_mark,
    preliminary_mark,
    forwarded: bool,
    city_deadline: datetime.datetime,
    now: datetime.datetime,
) -> bool:
    if final_mark is not None:
        return True
    # Not forwarded: its preliminary mark is its last one, final once the city's stage is
    # closed (the forwarding window has ended).
    return preliminary_mark is not None and not forwarded and now >= city_deadline


def file_access_refusal(
    *,
    is_owner: bool,
    is_assigned_judge: bool,
    organiser_prefix: str | None,
    entry_unit_path: str,
    revealed: bool,
) -> Refusal | None:
    """The owner always; a judge the entry is assigned to; an organiser whose subtree holds
    the entry's unit, once its marking is final (before that the file may carry the name
    the code hides). Everyone else: the same answer as for an entry that does not exist."""
    if is_owner or is_assigned_judge:
        return None
    if organiser_prefix is not None and entry_unit_path.startswith(organiser_prefix):
        if revealed:
            return None
        return Refusal(
            "anonymous",
            _("Bài dự thi còn đang được chấm: tệp chỉ mở được sau khi có điểm chung cuộc."),
        )
    return Refusal("not_found", _("Không tìm thấy bài dự thi."))
