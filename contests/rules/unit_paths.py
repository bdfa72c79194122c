"""How a unit is named in a picker (pure): by its path from the root, "Thành phố Hà Nội ›
Quận Thanh Xuân › Phường Nhân Chính", because a ward's name alone is ambiguous across a city
(every district has a "Phường 1", and the old and new trees share names).

The materialised path (treebeard's MP_Node, `steplen` characters a level) holds every
ancestor's path as a prefix, so the ancestors of a whole page of units are one `path IN (...)`
query; these functions say which paths to ask for and how to join the names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

SEPARATOR = " › "


def ancestor_paths(path: str, *, steplen: int) -> list[str]:
    """The paths of the unit's ancestors, root first, without the unit's own."""
    return [path[:end] for end in range(steplen, len(path), steplen)]


def ancestor_paths_of(paths: Iterable[str], *, steplen: int) -> set[str]:
    """Every ancestor path of every given path, each once: what one query asks for."""
    wanted: set[str] = set()
    for path in paths:
        wanted.update(ancestor_paths(path, steplen=steplen))
    return wanted


def path_label(path: str, name: str, *, names: Mapping[str, str], steplen: int) -> str:
    """The unit's name after its ancestors' names, root first. An ancestor missing from
    `names` (not fetched, or deleted meanwhile) is left out rather than shown as a gap."""
    parts = [names[p] for p in ancestor_paths(path, steplen=steplen) if p in names]
    return SEPARATOR.join([*parts, name])
