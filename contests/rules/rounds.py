"""Where a contest with rounds stands at a moment: the round open now, the next one and how
long until it opens, the last one closed (whose winners the contest page shows). Pure: the
rounds are anything with `opens_at` and `closes_at`; the contest page and its tests call this
and nothing else decides "between rounds"."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class RoundsNow:
    open: Any = None  # the round open now (the latest opened, if windows overlap)
    next: Any = None  # the next round to open (after now)
    last_closed: Any = None  # the round that closed most recently
    until_next: datetime.timedelta | None = None  # from now to next.opens_at

    @property
    def between(self) -> bool:
        """No round open, one still to come: the page counts down to it."""
        return self.open is None and self.next is not None


def rounds_now(rounds: Sequence[Any], *, now: datetime.datetime) -> RoundsNow:
    """A round is open from `opens_at` (inclusive) to `closes_at` (exclusive), as attempts are."""
    open_ = [r for r in rounds if r.opens_at <= now < r.closes_at]
    upcoming = [r for r in rounds if r.opens_at > now]
    closed = [r for r in rounds if r.closes_at <= now]
    nxt = min(upcoming, key=lambda r: r.opens_at, default=None)
    return RoundsNow(
        open=max(open_, key=lambda r: r.opens_at, default=None),
        next=nxt,
        last_closed=max(closed, key=lambda r: r.closes_at, default=None),
        until_next=(nxt.opens_at - now) if nxt is not None else None,
    )


def countdown_text(delta: datetime.timedelta) -> str:
    """ "2 ngày 3 giờ", "5 giờ 12 phút", "12 phút", "dưới 1 phút": the two largest units, rounded
    down (the page says "còn …" and must never promise an opening earlier than the real one)."""
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)d ngày", "%(n)d ngày", days) % {"n": days})
    if hours and len(parts) < 2:
        parts.append(ngettext("%(n)d giờ", "%(n)d giờ", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)d phút", "%(n)d phút", minutes) % {"n": minutes})
    return " ".join(parts) if parts else _("dưới 1 phút")
