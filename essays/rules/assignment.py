"""Who may mark what, and the balanced random assignment of a panel's entries. Pure.

- Conflict of interest: a judge never marks an entry whose person registered in the judge's
  home unit's subtree (their own ward, district or department). Unit paths are materialised
  paths, so "in the subtree" is a prefix test.
- Balanced: each entry goes to two distinct judges; each choice takes the eligible judge with
  the fewest entries so far (existing assignments count), ties in a random order fixed by the
  seed. Without conflicts the loads then differ by at most one; with conflicts, by as little as
  the conflicts allow. Entries with the fewest eligible judges are placed first, so that the
  constrained ones are not left with nobody.
- An entry with fewer than two eligible judges is not assigned and is reported, so the
  organiser can add a judge or assign by hand."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from contests.refusals import Refusal


def conflicted(*, judge_home_path: str, entry_unit_path: str) -> bool:
    return entry_unit_path.startswith(judge_home_path)


@dataclass
class Plan:
    pairs: list[tuple[int, int, int]] = field(default_factory=list)  # (entry, judge, turn)
    unplaced: list[int] = field(default_factory=list)


def plan_assignments(
    *,
    entries: list[tuple[int, str]],
    judges: list[tuple[int, str]],
    loads: dict[int, int] | None = None,
    per_entry: int = 2,
    seed: int | None = None,
) -> Plan:
    """entries: (entry id, unit path of the person); judges: (judge id, home unit path);
    loads: entries each judge already has. Returns the (entry, judge, turn) triples."""
    rng = random.Random(seed)  # noqa: S311 (fairness, not secrecy; the service seeds it from secrets)
    order = [j for j, _path in judges]
    rng.shuffle(order)
    tie = {judge_id: i for i, judge_id in enumerate(order)}
    home = dict(judges)
    load = {j: (loads or {}).get(j, 0) for j in order}
    eligible_by_path: dict[str, list[int]] = {}
    for _entry, path in entries:
        if path not in eligible_by_path:
            eligible_by_path[path] = [
                j for j in order if not conflicted(judge_home_path=home[j], entry_unit_path=path)
            ]
    shuffled = list(entries)
    rng.shuffle(shuffled)
    shuffled.sort(key=lambda e: len(eligible_by_path[e[1]]))
    plan = Plan()
    for entry_id, path in shuffled:
        eligible = eligible_by_path[path]
        if len(eligible) < per_entry:
            plan.unplaced.append(entry_id)
            continue
        chosen = sorted(eligible, key=lambda j: (load[j], tie[j]))[:per_entry]
        for turn, judge_id in enumerate(chosen, start=1):
            load[judge_id] += 1
            plan.pairs.append((entry_id, judge_id, turn))
    return plan


def extra_judge(
    *, entry_unit_path: str, judges: list[tuple[int, str]], taken: set[int], loads: dict[int, int]
) -> int | None:
    """The judge for a third marking: eligible, not one of `taken`, the least loaded (lowest
    id on a tie, so that the choice is reproducible)."""
    candidates = [
        j
        for j, path in judges
        if j not in taken and not conflicted(judge_home_path=path, entry_unit_path=entry_unit_path)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda j: (loads.get(j, 0), j))


def hand_assignment_refusal(
    *,
    judge_home_path: str,
    entry_unit_path: str,
    judge_in_panel: bool,
    already_assigned: bool,
    panel_closed: bool,
) -> Refusal | None:
    """Whether an organiser may give this entry to this judge by hand."""
    if panel_closed:
        return Refusal("panel_closed", _("Ban giám khảo này đã chốt điểm, không phân công thêm."))
    if not judge_in_panel:
        return Refusal("not_in_panel", _("Giám khảo này không thuộc ban giám khảo của bài."))
    if conflicted(judge_home_path=judge_home_path, entry_unit_path=entry_unit_path):
        return Refusal(
            "conflict",
            _("Giám khảo không được chấm bài của người dự thi thuộc đơn vị mình công tác."),
        )
    if already_assigned:
        return Refusal("already", _("Giám khảo này đã được phân công chấm bài này."))
    return None
