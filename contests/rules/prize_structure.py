"""What makes a prize structure's settings consistent (pure): checked by the prize structure
forms of the admin (the structure's own page and the contest page's inline).

- the round and the category must be the contest's own;
- "excludes round winners" belongs to an overall structure (no round): a week's prizes are
  kept to one per person per week or per contest by `one_prize_per`;
- a cap is a share of entrants from 1 to 100 %;
- a structure with a collective tier names the kind of unit its collective prizes rank
  (scoring.selectors.prizes ranks the units of `collective_unit_kind`: without one, the tier
  would silently never be awarded).
Each problem is (field, Vietnamese message).

And what a row of the tiers editor on the contest page must hold (`tier_rows_parse`): a kind,
a name, a whole number of prizes (at least one) and an amount in đồng (dots, commas or spaces
between thousands allowed: "3.000.000"); the rank may be left empty (next in its kind); two
rows of one kind never share a rank."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

CAP_MIN, CAP_MAX = 1, 100
COLLECTIVE = "collective"  # PrizeTier.Kind.COLLECTIVE (rules import no models)

# The database columns' limits: PositiveSmallIntegerField, PositiveIntegerField,
# PositiveBigIntegerField, CharField(100).
RANK_MAX = 32_767
COUNT_MAX = 2_147_483_647
AMOUNT_MAX = 9_223_372_036_854_775_807
NAME_MAX = 100
TIER_COLUMNS = ("kind", "rank_order", "name", "count", "amount")

_THOUSANDS = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


def collective_tier_problem(
    *, collective_unit_kind: str, tier_kinds: Collection[str]
) -> str | None:
    """The message when the structure has a collective tier but no unit kind to rank."""
    if COLLECTIVE in tier_kinds and not collective_unit_kind:
        return _(
            "Cơ cấu có giải tập thể: hãy chọn «giải tập thể xét cho loại đơn vị» (ví dụ "
            "Phường/Xã/Thị trấn); để trống thì giải tập thể không được trao cho đơn vị nào."
        )
    return None


def prize_structure_problems(
    *,
    contest_id: int | None,
    round_contest_id: int | None,
    category_contest_id: int | None,
    excludes_round_winners: bool,
    cap_percent: int | None,
    collective_unit_kind: str,
    tier_kinds: Collection[str] | None,
) -> list[tuple[str, str]]:
    """`round_contest_id` / `category_contest_id`: the contest of the chosen round / category
    (None: none chosen). `tier_kinds`: the kinds of the tiers submitted with the structure;
    None where the tiers are a formset of their own, which asks `collective_tier_problem`."""
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
    if tier_kinds is not None:
        message = collective_tier_problem(
            collective_unit_kind=collective_unit_kind, tier_kinds=tier_kinds
        )
        if message:
            problems.append(("collective_unit_kind", message))
    return problems


@dataclass(frozen=True)
class TierRow:
    kind: str
    rank_order: int
    name: str
    count: int
    amount: int


def _whole_number(text: str) -> int | None:
    """A non-negative whole number as a person types it ("3.000.000", "3 000 000", "15")."""
    text = text.strip()
    if _THOUSANDS.match(text):
        text = re.sub(r"[.,\s]", "", text)
    if text.isascii() and text.isdigit() and len(text) <= 19:
        return int(text)
    return None


def tier_rows_parse(
    rows: Sequence[Mapping[str, str]], *, kinds: Mapping[str, str]
) -> tuple[list[TierRow], list[str]]:
    """The tiers typed in the editor's rows (each {column: text}); rows with nothing typed
    but the kind are skipped. `kinds`: {kind value: label}. Returns (tiers, problems): every
    problem of every row, each message naming the row (1-based, as shown) and what is wrong."""
    tiers: list[TierRow] = []
    problems: list[str] = []
    next_rank: dict[str, int] = {}
    first_row_of: dict[tuple[str, int], int] = {}
    for number, row in enumerate(rows, start=1):
        text = {column: str(row.get(column) or "").strip() for column in TIER_COLUMNS}
        if not any(text[c] for c in ("rank_order", "name", "count", "amount")):
            continue
        problems_before = len(problems)

        def problem(message: str, number=number) -> None:
            problems.append(
                _("Giải dòng %(row)s: %(message)s") % {"row": number, "message": message}
            )

        kind = text["kind"]
        if kind not in kinds:
            problem(_("chọn loại giải (cá nhân hoặc tập thể)."))
        rank: int | None = None
        if text["rank_order"]:
            rank = _whole_number(text["rank_order"])
            if rank is None or not 1 <= rank <= RANK_MAX:
                problem(_("thứ hạng phải là số nguyên từ 1 (giải Nhất) trở lên."))
                rank = None
        elif kind in kinds:
            rank = next_rank.get(kind, 0) + 1
        if not text["name"]:
            problem(_("thiếu tên giải (ví dụ: Nhất, Nhì, Ba, Khuyến khích)."))
        elif len(text["name"]) > NAME_MAX:
            problem(_("tên giải dài quá %(max)s ký tự.") % {"max": NAME_MAX})
        count = _whole_number(text["count"])
        if count is None or not 1 <= count <= COUNT_MAX:
            problem(_("số giải phải là số nguyên từ 1 trở lên."))
        amount = _whole_number(text["amount"])
        if amount is None or amount > AMOUNT_MAX:
            problem(_("trị giá mỗi giải phải là số tiền (đồng), ví dụ 3.000.000."))
        if kind in kinds and rank is not None:
            next_rank[kind] = max(next_rank.get(kind, 0), rank)
            first = first_row_of.setdefault((kind, rank), number)
            if first != number:
                problem(
                    _("thứ hạng %(rank)s của giải %(kind)s trùng với dòng %(first)s.")
                    % {"rank": rank, "kind": str(kinds[kind]).lower(), "first": first}
                )
        if len(problems) == problems_before:
            tiers.append(TierRow(kind, rank, text["name"], count, amount))
    return (tiers, []) if not problems else ([], problems)
