"""Which unit's preliminary panel marks an entry: the person's district (quận, huyện, thị xã)
or department (sở, ban, ngành), i.e. the nearest such unit at or above the unit they entered
for (seed 003: each district and each department collects and pre-marks its own entries)."""

from __future__ import annotations

from collections.abc import Sequence

MARKING_KINDS = ("district", "department")


def marking_unit_id(chain: Sequence[tuple[int, str]]) -> int | None:
    """`chain`: (id, kind) from the root down to the person's unit. The deepest unit of a
    marking kind; when there is none (a unit straight under the city), the unit below the
    root on the way (its own organisers collect its entries); the root alone: None."""
    for unit_id, kind in reversed(chain):
        if kind in MARKING_KINDS:
            return unit_id
    if len(chain) >= 2:
        return chain[1][0]
    return None
