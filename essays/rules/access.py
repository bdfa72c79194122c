"""Who may read an entry's file and when the person behind an entry code is shown.

Judges see an entry code only; the code is linked to the person (name, unit) for the
organisers once marking is final for the whole task: the city's final panel has closed its
marking. Not earlier: an entry's final mark (or a district's preliminary mark) can still be
changed by the judges until the city closes, and a name seen then could sway them. A draft is
never revealed: it was never an entry, and nobody but its writer has business with it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from contests.refusals import Refusal


def identity_revealed(*, marking_final: bool, submitted: bool) -> bool:
    """`marking_final`: the task's city panel is closed (essays.selectors.judging.marking_final);
    `submitted`: the entry was submitted (not a draft)."""
    return marking_final and submitted


def file_access_refusal(
    *,
    is_owner: bool,
    is_assigned_judge: bool,
    organiser_prefix: str | None,
    entry_unit_path: str,
    revealed: bool,
) -> Refusal | None:
    """The owner always; a judge the entry is assigned to; an organiser whose subtree holds
    the entry's unit, once the task's marking is final (`revealed`, from identity_revealed:
    before that the file may carry the name the code hides). Everyone else: the same answer
    as for an entry that does not exist."""
    if is_owner or is_assigned_judge:
        return None
    if organiser_prefix is not None and entry_unit_path.startswith(organiser_prefix):
        if revealed:
            return None
        return Refusal(
            "anonymous",
            _(
                "Bài dự thi còn đang được chấm: tệp chỉ mở được sau khi thành phố chốt "
                "điểm chung cuộc."
            ),
        )
    return Refusal("not_found", _("Không tìm thấy bài dự thi."))
