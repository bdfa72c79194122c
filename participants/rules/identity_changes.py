"""An IdentityChange's before/after (JSON: field -> value) as the lines a clerk reads:
"họ và tên: Nguyễn Văn A → Nguyễn Văn B", only the fields that changed, in the order of
`fields`. Pure: the caller gives each field's label and how to show a value (choices by their
names, dates as dd/mm/yyyy, document numbers masked)."""

from __future__ import annotations

import datetime
from collections.abc import Callable


def date_text(value) -> str | None:
    """'2008-05-31' (as stored in the JSON) -> '31/05/2008'; None when it is not a date."""
    try:
        return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return None


def identity_change_lines(
    *,
    before,
    after,
    fields: list[str],
    labels: dict[str, str],
    show: Callable[[str, object], str],
) -> list[str]:
    """One line per changed field. Fields outside `fields` (or a before/after that is not a
    dict) are left out: the page shows what it can read."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    lines = []
    for name in fields:
        if name not in before and name not in after:
            continue
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        lines.append(f"{labels.get(name, name)}: {show(name, old)} → {show(name, new)}")
    return lines
