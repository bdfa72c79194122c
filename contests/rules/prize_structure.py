"""What makes a prize structure's settings consistent (pure): checked by the prize structure
forms of the admin (the structure's own page and the contest page's inline).

- the round and the category must be the contest's own;
- "excludes round winners" belongs to an overall structure (no round): a week's prizes are
  kept to one per person per week or per contest by `one_prize_per`;
- a cap is a share of entrants from 1 to 100 %.
Each problem is (field, Vietnamese message)."""

from __future__ import annotations

from django.utils.translation import gettext as _

CAP_MIN, CAP_MAX = 1, 100


def prize_structure_problems(
    *,
    contest_id: int | None,
    round_contest_id: int | None,
    category_contest_id: int | None,
    excludes_round_winners: bool,
    cap_percent: int | None,
) -> list[tuple[str, str]]:
    """`round_contest_id` / `category_contest_id`: the contest of the chosen round / category
    (None: none chosen)."""
    problems = []
    if round_contest_id is not None and round_contest_id != contest_id:
        problems.append(("round", _("Vòng thi này không thuộc cuộc thi của cơ cấu giải.")))
    if category_contest_id is not None and category_contest_id != contest_id:
        problems.append(("category", _("Đối tượng này không thuộc cuộc thi của cơ cấu giải.")))
    if excludes_round_winners and round_contest_id is not None:
        problems.append(
            (
                "excludes_round_winners",
                _(
                    "Chỉ giải chung cả cuộc thi (không chọn tuần/vòng) mới có thể không xét "
                    "người đã đạt giải tuần/vòng."
                ),
            )
        )
    if cap_percent is not None and not CAP_MIN <= cap_percent <= CAP_MAX:
        problems.append(
            (
                "cap_percent",
                _("Giới hạn số giải phải là số nguyên từ %(min)d đến %(max)d (%%).")
                % {"min": CAP_MIN, "max": CAP_MAX},
            )
        )
    return problems
