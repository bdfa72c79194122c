"""How an attempt reads as a document in the admin: moments as dd/mm/yyyy HH:MM:SS in the
contest's time zone (Asia/Ho_Chi_Minh), a duration in minutes and seconds, and the answer
sheet: the questions in the order the person saw them, each option in its display order with
the chosen one and the correct one marked.

Pure: the caller reads the options (one query) and shows the sheet only where the key may be
shown (`contests.access.answer_key_visible_to`): of a perfect attempt, the chosen options are
the key."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def moment_text(value: datetime.datetime | None) -> str:
    """'07/03/2026 14:05:09' in Vietnam's time; '—' for no value."""
    if value is None:
        return "—"
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S")


def duration_text(milliseconds: int | None) -> str:
    """'12 phút 05 giây' (seconds rounded down, as the ranking counts whole milliseconds and
    a person reads whole seconds); '—' for no value."""
    if milliseconds is None:
        return "—"
    minutes, seconds = divmod(max(0, milliseconds) // 1000, 60)
    return _("%(m)s phút %(s)02d giây") % {"m": minutes, "s": seconds}


@dataclass(frozen=True)
class OptionRow:
    letter: str
    text: str
    chosen: bool
    correct: bool


@dataclass(frozen=True)
class QuestionRow:
    number: int
    text: str
    options: tuple[OptionRow, ...]
    answered: bool
    is_correct: bool


@dataclass(frozen=True)
class OptionFact:
    """What the sheet needs of one option (read by the caller): its question's text, its own
    text and whether it is correct."""

    question_text: str
    text: str
    is_correct: bool


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def answer_sheet(
    *, items: list, answers: dict, options: dict[int, OptionFact]
) -> list[QuestionRow]:
    """The attempt's questions in display order. `items` is Attempt.items ([{"q": question id,
    "o": [option ids in display order]}]), `answers` Attempt.answers ({"question id": option
    id}). An option no longer in `options` (deleted since) is left out; a question with none
    left is left out too. Malformed rows (not a dict, no list of options) are skipped: the
    page must show what it can, never fail."""
    rows: list[QuestionRow] = []
    for number, item in enumerate(items if isinstance(items, list) else [], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("o"), list):
            continue
        chosen = answers.get(str(item.get("q"))) if isinstance(answers, dict) else None
        shown = [(o, options[o]) for o in item["o"] if isinstance(o, int) and o in options]
        if not shown:
            continue
        rows.append(
            QuestionRow(
                number=number,
                text=shown[0][1].question_text,
                options=tuple(
                    OptionRow(
                        letter=LETTERS[i] if i < len(LETTERS) else str(i + 1),
                        text=fact.text,
                        chosen=option_id == chosen,
                        correct=fact.is_correct,
                    )
                    for i, (option_id, fact) in enumerate(shown)
                ),
                answered=chosen is not None,
                is_correct=any(fact.is_correct and o == chosen for o, fact in shown),
            )
        )
    return rows
