"""Exact splits for the simulator: the figures a seed report states (per block, age group and
top unit), read from a JSON file in devdata/data/, scaled if asked, and turned into whole
numbers per unit of the tree. Pure: no database.

A file looks like `seed_000_hanoi_2023.json`: totals (`participants`, `attempts`, optional
`registrants`, `perfect_attempts`, `questions`), `blocks` by name with their `participants`
(optional `registrants`) and `top_units` by name with their participants, and `age_groups`
by value (`Registration.AgeGroup`) with their `participants` (optional `registrants`)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
SEED_000 = DATA / "seed_000_hanoi_2023.json"
SEED_002 = DATA / "seed_002_bac_giang_2023.json"


@dataclass(frozen=True)
class Group:
    participants: int
    registrants: int | None = None  # None: the participants, plus a share of the others
    top_units: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Splits:
    participants: int
    attempts: int
    registrants: int | None = None
    perfect_attempts: int | None = None
    questions: int | None = None
    blocks: dict[str, Group] = field(default_factory=dict)
    age_groups: dict[str, Group] = field(default_factory=dict)


def _group(data: dict) -> Group:
    return Group(
        participants=data["participants"],
        registrants=data.get("registrants"),
        top_units=dict(data.get("top_units", {})),
    )


def splits_load(path: Path | str) -> Splits:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Splits(
        participants=data["participants"],
        attempts=data["attempts"],
        registrants=data.get("registrants"),
        perfect_attempts=data.get("perfect_attempts"),
        questions=data.get("questions"),
        blocks={name: _group(g) for name, g in data.get("blocks", {}).items()},
        age_groups={name: _group(g) for name, g in data.get("age_groups", {}).items()},
    )


def _half_up(value: float) -> int:
    return math.floor(value + 0.5)


def apportion(total: int, weights: dict, *, exact: dict | None = None) -> dict:
    """`total` split over the keys of `weights` in proportion (largest remainder, ties to the
    first key), after the keys of `exact` got exactly their numbers."""
    exact = exact or {}
    out = {key: exact[key] for key in weights if key in exact}
    rest = total - sum(out.values())
    free = [key for key in weights if key not in exact]
    mass = sum(weights[key] for key in free)
    if rest < 0 or (rest and not mass):
        raise ValueError("Số liệu tách không cộng lại được (phần còn lại âm hoặc không nơi nhận).")
    shares = {key: (rest * weights[key] / mass if mass else 0.0) for key in free}
    for key in free:
        out[key] = math.floor(shares[key])
    left = rest - sum(out[key] for key in free)
    for key in sorted(free, key=lambda k: -(shares[k] - math.floor(shares[k])))[:left]:
        out[key] += 1
    return out


def splits_scaled(splits: Splits, factor: float) -> Splits:
    """The same splits at `factor` (e.g. 1/1000): totals rounded half up, blocks and age
    groups apportioned so that they still add up, top units rounded half up."""
    if factor == 1:
        return splits

    def total(value):
        return None if value is None else _half_up(value * factor)

    participants = total(splits.participants)

    def groups(source: dict[str, Group], total_of) -> dict[str, Group]:
        if not source:
            return {}
        part = apportion(participants, {k: g.participants for k, g in source.items()})
        regs = {}
        if all(g.registrants is not None for g in source.values()):
            regs = apportion(total_of, {k: g.registrants for k, g in source.items()})
        return {
            k: Group(
                participants=part[k],
                registrants=regs.get(k),
                top_units={u: _half_up(n * factor) for u, n in g.top_units.items()},
            )
            for k, g in source.items()
        }

    registrants = total(splits.registrants)
    return replace(
        splits,
        participants=participants,
        attempts=max(total(splits.attempts), participants),
        registrants=registrants,
        perfect_attempts=total(splits.perfect_attempts),
        blocks=groups(splits.blocks, registrants),
        age_groups=groups(splits.age_groups, registrants),
    )


def splits_check(splits: Splits) -> None:
    """ValueError (Vietnamese) unless the numbers can all hold at once."""
    registrants = splits.participants if splits.registrants is None else splits.registrants
    if not 0 <= splits.participants <= registrants or splits.attempts < splits.participants:
        raise ValueError("Cần: số lượt thi ≥ số người dự thi ≤ số người đăng ký.")
    if splits.participants == 0 and splits.attempts:
        raise ValueError("Cần: số lượt thi ≥ số người dự thi ≤ số người đăng ký.")
    if splits.perfect_attempts is not None and not 0 <= splits.perfect_attempts <= splits.attempts:
        raise ValueError("Số lượt thi đúng tất cả phải nằm trong khoảng 0 đến số lượt thi.")
    for name, source in (("khối", splits.blocks), ("nhóm tuổi", splits.age_groups)):
        if not source:
            continue
        if sum(g.participants for g in source.values()) != splits.participants:
            raise ValueError(f"Tổng số người dự thi theo {name} khác tổng số người dự thi.")
        regs = [g.registrants for g in source.values()]
        if None not in regs and sum(regs) != registrants:
            raise ValueError(f"Tổng số người đăng ký theo {name} khác tổng số người đăng ký.")
        for group in source.values():
            if group.registrants is not None and group.registrants < group.participants:
                raise ValueError(f"Một {name} có số người đăng ký nhỏ hơn số người dự thi.")
            if sum(group.top_units.values()) > group.participants:
                raise ValueError(f"Các đơn vị của một {name} có nhiều người dự thi hơn cả {name}.")


def exact_draws(rng_random, counts: dict) -> Iterator:
    """Keys drawn one at a time, each key exactly counts[key] times in all, in random order
    (sequential sampling: O(keys) a draw, no list of the whole population)."""
    left = dict(counts)
    remaining = sum(left.values())
    while remaining:
        x = rng_random() * remaining
        chosen = None
        for key, n in left.items():
            if x < n:
                chosen = key
                break
            x -= n
        if chosen is None:  # float rounding at the very end
            chosen = next(key for key, n in left.items() if n)
        left[chosen] -= 1
        remaining -= 1
        yield chosen
