"""The daily official board's pure rules (no database): which days are due, the canonical
form and hash of a day's figures, and what a correction changed.

A board "of day D" holds the participation figures up to 24:00 of D (local time,
Asia/Ho_Chi_Minh); it is frozen on day D + 1 at the contest's board hour. Whole days, because
the roll-ups count per local day (DailyRollup): the same day's figures can be recomputed
later from the raw rows and compared, which is how a correction is detected."""

from __future__ import annotations

import datetime
import hashlib
import json

# The figures of a unit that a correction compares, in the order they are listed.
COMPARED = ("name", "headcount", "participants", "attempts", "perfect_attempts", "rate")


def board_days_due(
    *,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    board_hour: int | None,
    now: datetime.datetime,
    tz: datetime.tzinfo,
) -> list[datetime.date]:
    """Every day of the contest whose board is due at `now`: from the opening day to the last
    day of the window (a window closing at 00:00 ends the day before), and only the days
    whose next day has reached the board hour."""
    if board_hour is None:
        return []
    first = opens_at.astimezone(tz).date()
    last = (closes_at - datetime.timedelta(microseconds=1)).astimezone(tz).date()
    local_now = now.astimezone(tz)
    latest = local_now.date() - datetime.timedelta(days=1 if local_now.hour >= board_hour else 2)
    end = min(last, latest)
    return [first + datetime.timedelta(days=n) for n in range((end - first).days + 1)]


def canonical_json(figures: dict) -> bytes:
    """One byte string per content: keys sorted, no spaces, UTF-8 (names with diacritics as
    they are, not escaped)."""
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(figures: dict) -> str:
    """sha256 of the canonical JSON, in hex: anyone holding the published figures (the page,
    the xlsx) can recompute it."""
    return hashlib.sha256(canonical_json(figures)).hexdigest()


def board_changes(before: dict, after: dict) -> list[dict]:
    """What differs between two versions of a day's figures, unit by unit (tree order of the
    new version, then the units it no longer has): one entry per changed figure, with the
    value before and after (None for a unit that is new, or gone)."""
    old = {u["code"]: u for u in before.get("units", [])}
    new = {u["code"]: u for u in after.get("units", [])}
    out = []
    for code in [*new, *(c for c in old if c not in new)]:
        a, b = old.get(code), new.get(code)
        name = (b or a)["name"]
        for field in COMPARED:
            was = a.get(field) if a else None
            now = b.get(field) if b else None
            if was != now:
                out.append(
                    {"code": code, "name": name, "field": field, "before": was, "after": now}
                )
    return out
