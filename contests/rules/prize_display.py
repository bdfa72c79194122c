"""How the contest page states its prizes (pure): the rules of each prize structure in
Vietnamese, from the model's settings, and weekly structures grouped.

A weekly contest has a structure per week and category (8 weeks × 3 categories = 24 tables, a
phone's 13,000 px). Structures of different rounds that are the same in everything but the
round (category, unit, tiers and amounts, rules) are one table saying "Mỗi tuần: …" with the
weeks it applies to. A structure of one round only, or of the whole contest, stays as it is.

The rules stated are the ones the prize allocation applies (scoring.selectors.prizes):
- `one_prize_per`: a person wins at most one prize in the round (or in the overall prizes),
  or at most one in the whole contest (earlier rounds' published prizes included);
- `cap_percent`: at most ⌊cap % × the people ranked in the structure's scope⌋ individual prizes;
- `excludes_round_winners` (overall only): people with a round's prize are not considered;
- `category`: only the people of that category are ranked for it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

ROUND = "round"
CONTEST = "contest"


@dataclass(frozen=True)
class PrizeFacts:
    """What a structure's rules depend on. `round_number`: None for an overall (contest-level)
    structure."""

    round_number: int | None
    category: str
    unit: str
    one_prize_per: str
    cap_percent: int | None
    excludes_round_winners: bool


@dataclass
class PrizeEntry:
    """One structure as the page shows it: `payload` is what the template draws (its tiers),
    `tiers` a comparable summary of them ((kind, name, count, amount), ...)."""

    payload: object
    title: str
    round_title: str
    facts: PrizeFacts
    tiers: tuple
    budget: int = 0


@dataclass
class PrizeGroup:
    payload: object
    heading: str
    # The rounds it applies to, (number, title) in order; [] for an overall structure.
    rounds: list[tuple[int, str]] = field(default_factory=list)
    applies: str = ""
    rules: list[str] = field(default_factory=list)
    # The value of its prizes, each time they are given.
    budget: int = 0
    # What its rounds are called ("tuần" / "vòng"), for "… mỗi tuần, … cho cả 8 tuần".
    word: str = ""

    @property
    def times(self) -> int:
        """How many times its prizes are given (once per round it applies to)."""
        return max(len(self.rounds), 1)

    @property
    def budget_total(self) -> int:
        return self.budget * self.times


def round_word(titles: list[str]) -> str:
    """ "tuần" when every round is called "Tuần …", else "vòng"."""
    if titles and all(t.strip().lower().startswith("tuần") for t in titles):
        return _("tuần")
    return _("vòng")


def structure_rules(facts: PrizeFacts, *, has_rounds: bool, word: str) -> list[str]:
    """The rules of one structure, one Vietnamese sentence each."""
    lines = []
    in_round = facts.round_number is not None
    if facts.category:
        lines.append(
            _("Dành cho người dự thi thuộc đối tượng “%(category)s”.")
            % {"category": facts.category}
        )
    if has_rounds:
        if not in_round:
            lines.append(_("Xét theo kết quả chung của cả cuộc thi."))
        if facts.one_prize_per == CONTEST:
            lines.append(
                _(
                    "Mỗi người nhận tối đa một giải trong cả cuộc thi: người đã đạt giải ở "
                    "%(word)s trước không được xét."
                )
                % {"word": word}
            )
        elif in_round:
            lines.append(_("Mỗi người nhận tối đa một giải trong mỗi %(word)s.") % {"word": word})
        else:
            lines.append(_("Mỗi người nhận tối đa một giải chung."))
        if facts.excludes_round_winners and not in_round:
            lines.append(_("Không xét người đã đạt giải %(word)s.") % {"word": word})
    if facts.cap_percent is not None:
        scope = _("của %(word)s") % {"word": word} if in_round else _("của cuộc thi")
        who = _(" thuộc đối tượng này") if facts.category else ""
        lines.append(
            _(
                "Số giải cá nhân không vượt quá %(cap)d%% số người dự thi %(scope)s%(who)s "
                "(làm tròn xuống)."
            )
            % {"cap": facts.cap_percent, "scope": scope, "who": who}
        )
    return lines


def _rounds_text(rounds: list[tuple[int, str]], word: str) -> str:
    numbers = [n for n, _title in rounds]
    contiguous = numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    if contiguous and len(rounds) > 2:
        named = _("%(first)s đến %(last)s") % {"first": rounds[0][1], "last": rounds[-1][1]}
    else:
        named = ", ".join(title for _n, title in rounds)
    return _("Áp dụng cho %(rounds)s (%(n)d %(word)s).") % {
        "rounds": named,
        "n": len(rounds),
        "word": word,
    }


def prize_groups(entries: list[PrizeEntry], *, has_rounds: bool, word: str) -> list[PrizeGroup]:
    """The page's prize tables: round structures the same but for their round merged into
    one "Mỗi tuần: …" group (in the order their first one comes), the others as they are."""
    groups: list[PrizeGroup] = []
    by_key: dict[tuple, tuple[PrizeGroup, PrizeEntry]] = {}
    for entry in entries:
        facts = entry.facts
        rules = structure_rules(facts, has_rounds=has_rounds, word=word)
        if facts.round_number is None:
            groups.append(
                PrizeGroup(
                    payload=entry.payload, heading=entry.title, rules=rules, budget=entry.budget
                )
            )
            continue
        key = (
            facts.category,
            facts.unit,
            facts.one_prize_per,
            facts.cap_percent,
            facts.excludes_round_winners,
            entry.tiers,
        )
        found = by_key.get(key)
        if found is not None:
            found[0].rounds.append((facts.round_number, entry.round_title))
            continue
        group = PrizeGroup(
            payload=entry.payload,
            heading=entry.title,
            rounds=[(facts.round_number, entry.round_title)],
            rules=rules,
            budget=entry.budget,
        )
        by_key[key] = (group, entry)
        groups.append(group)
    for group, first in by_key.values():
        group.rounds.sort()
        if len(group.rounds) > 1:
            who = first.facts.category or _("mọi người dự thi")
            group.heading = _("Mỗi %(word)s: %(who)s") % {"word": word, "who": who}
            group.applies = _rounds_text(group.rounds, word)
            group.word = word
    return groups
