"""One clock for the exam path: the database's.

Web nodes' clocks drift apart (NTP keeps them within milliseconds, until it does not). The exam
path compares times written by one node with times read by another: the start gate's slots
(shared in Redis), an attempt's deadline set at start and checked at submit, the durations
the tie-break ranks. With each node's own clock, a node 2 s behind turned 312 starts into
"Vui lòng chờ", and a node 150 s ahead dropped in-time answers as late (issue 20, fault 6).

So `now()` is the node's clock corrected by its measured offset to the database server's clock
(`clock_timestamp()`), measured once every REFRESH seconds per process (one query a minute, not
one per request), to within half the round trip. SQLite (the embedded default, one process) has
no server clock: the offset is 0. If the database cannot be asked, the last offset stays.

settings.EXAM_CLOCK_FROM_DATABASE turns the correction off (the tests that move the clock by
patching `timezone.now` do; the test of skew turns it on)."""

from __future__ import annotations

import datetime
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

REFRESH = 60.0

_lock = threading.Lock()
_offset = datetime.timedelta(0)
_measured_at: float | None = None


def now() -> datetime.datetime:
    """The current time by the database's clock (see the module docstring)."""
    local = timezone.now()
    if not getattr(settings, "EXAM_CLOCK_FROM_DATABASE", True):
        return local
    return local + _current_offset()


def _current_offset() -> datetime.timedelta:
    global _offset, _measured_at
    mono = time.monotonic()
    if _measured_at is not None and mono - _measured_at < REFRESH:
        return _offset
    with _lock:
        if _measured_at is None or mono - _measured_at >= REFRESH:
            measured = _measure()
            if measured is not None:
                _offset = measured
            _measured_at = mono
    return _offset


def _measure() -> datetime.timedelta | None:
    """The database clock minus this node's, or None when it cannot be measured."""
    if connection.vendor != "postgresql":
        return datetime.timedelta(0)
    try:
        with connection.cursor() as cursor:
            before = timezone.now()
            cursor.execute("SELECT clock_timestamp()")
            server = cursor.fetchone()[0]
            after = timezone.now()
    except DatabaseError:
        return None
    return server - (before + (after - before) / 2)


def clock_reset() -> None:
    """Forget the measured offset (tests; a process after a fork)."""
    global _offset, _measured_at
    with _lock:
        _offset = datetime.timedelta(0)
        _measured_at = None
