"""What changed between two published prize lists (ResultsSnapshot.prizes rows): who entered,
who left, who moved to another tier. Recorded on the new snapshot when results are published
again (after a provisional publication and its appeals, or a regrade), so that the final list
says what it corrected. Pure: rows in, rows out, no database.

A winner is the same winner in both lists when the prize structure is the same and it is the
same registration (an individual prize) or the same unit (a collective prize, whose rows carry
no registration). Moving means another tier of the same structure."""

from __future__ import annotations

ENTERED = "entered"
LEFT = "left"
MOVED = "moved"


def _key(row: dict) -> tuple:
    who = row.get("registration_id")
    if who is None:
        return (row.get("structure_id"), "unit", row.get("unit_code", ""))
    return (row.get("structure_id"), "registration", who)


def _tier(row: dict) -> tuple:
    return (row.get("rank_order"), row.get("tier"))


def _change(change: str, row: dict, *, before: dict | None, after: dict | None) -> dict:
    return {
        "change": change,
        "structure": row.get("structure", ""),
        "winner_name": row.get("winner_name") or row.get("unit_name", ""),
        "registration_id": row.get("registration_id"),
        "unit_name": row.get("unit_name", ""),
        "before": before.get("tier", "") if before else "",
        "after": after.get("tier", "") if after else "",
    }


def prize_changes(before: list[dict], after: list[dict]) -> list[dict]:
    """The changes from `before` to `after`: first, in the order of `before`, who left and who
    moved (named as in `after` when still there); then, in the order of `after`, who entered.
    [] when the two lists give the same people the same tiers."""
    old = {_key(row): row for row in before}
    new = {_key(row): row for row in after}
    changes = []
    for key, row in old.items():
        if key not in new:
            changes.append(_change(LEFT, row, before=row, after=None))
        elif _tier(row) != _tier(new[key]):
            changes.append(_change(MOVED, new[key], before=row, after=new[key]))
    for key, row in new.items():
        if key not in old:
            changes.append(_change(ENTERED, row, before=None, after=row))
    return changes
