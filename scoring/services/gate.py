"""The start gate: mass-start admission control shared by every web process and node (one
Redis key), the rule being `scoring.rules.admission`. The start view's middleware asks it
before a start is attempted (scoring.middleware)."""

from __future__ import annotations

import contextlib
import datetime
import math

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from contest_site import clock
from scoring.rules.admission import FRESH_TOLERANCE, admission_wait_ms, gate_step

GATE_KEY = "scoring:gate:next"
GATE_SALT = "scoring.start-gate"

# `scoring.rules.admission.gate_step` in one atomic Redis step. KEYS: the next free slot, this
# second's admissions; ARGV: now, rate, FRESH_TOLERANCE. Returns {decision, slot}.
_STEP = """
local nxt = tonumber(redis.call('GET', KEYS[1])) or 0
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local slot = math.max(nxt, now) + 1 / rate
local decision = 'wait'
if slot - now <= tonumber(ARGV[3]) + 1e-9 then
  decision = 'slot'
elseif (tonumber(redis.call('GET', KEYS[2])) or 0) < rate * (now - math.floor(now)) then
  decision = 'idle'
  slot = now
end
if decision ~= 'idle' then
  redis.call('SET', KEYS[1], string.format('%.17g', slot), 'EX', 86400)
end
if decision ~= 'wait' then
  redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], 10)
end
return {decision, string.format('%.17g', slot)}
"""


def start_admit(*, now: datetime.datetime | None = None, ticket: str = "") -> tuple[int, str]:
    """Mass-start admission control: a virtual queue of start slots, settings.EXAM_START_RATE
    per second for the whole site (one Redis key shared by every web process and node).

    Returns (0, "") when this start may go ahead now. Otherwise (milliseconds, ticket): the
    person has been given the next free slot, exactly that many ms from now
    (`scoring.rules.admission`), and comes back with `ticket` (signed, carried by the
    "Vui lòng chờ" page, whose script posts it again when the slot comes), which admits them
    from that slot on without queueing again — so each person waits once, and the starts go in
    one after the other at the rate. A second whose slot holders do not come (stuck behind a
    burst's first requests) lends its capacity to the people arriving in it
    (`admission.gate_step`), so the gate is never idle while people wait. Fails open:
    without Redis everyone is admitted."""
    rate = getattr(settings, "EXAM_START_RATE", 0)
    if rate <= 0:
        return 0, ""
    t = (now or clock.now()).timestamp()
    if ticket:
        try:
            slot = float(signing.loads(ticket, salt=GATE_SALT, max_age=3600))
        except (signing.BadSignature, TypeError, ValueError):
            slot = None
        if slot is not None:
            wait_ms = admission_wait_ms(now=t, slot=slot, ticket=True)
            if wait_ms == 0:
                _gate_count(now=t)
            if wait_ms is not None:
                return wait_ms, ticket if wait_ms else ""
    try:
        decision, slot = _gate_step(now=t, rate=float(rate))
    except Exception:
        return 0, ""
    if decision != "wait":
        return 0, ""
    wait_ms = admission_wait_ms(now=t, slot=slot, ticket=False)
    if not wait_ms:
        return 0, ""
    return wait_ms, signing.dumps(repr(slot), salt=GATE_SALT)


def _gate_keys(now: float) -> tuple[str, str]:
    return GATE_KEY, f"{GATE_KEY}:n:{math.floor(now)}"


def _redis_client():
    raw = getattr(cache, "_cache", None)
    if raw is not None and hasattr(raw, "get_client"):
        return raw.get_client(cache.make_and_validate_key(GATE_KEY), write=True)
    return None


def _gate_step(*, now: float, rate: float) -> tuple[str, float]:
    """`admission.gate_step` against the shared state: one Redis round trip (a Lua script)
    where the cache is Redis; elsewhere (the embedded demo) a plain read and write."""
    next_key, count_key = _gate_keys(now)
    client = _redis_client()
    if client is not None:
        decision, slot = client.eval(
            _STEP,
            2,
            cache.make_and_validate_key(next_key),
            cache.make_and_validate_key(count_key),
            repr(now),
            repr(rate),
            repr(FRESH_TOLERANCE),
        )
        decision = decision.decode() if isinstance(decision, bytes) else decision
        return decision, float(slot)
    decision, next_slot, slot = gate_step(
        now=now,
        next_slot=float(cache.get(next_key, 0.0)),
        rate=rate,
        admitted=int(cache.get(count_key, 0)),
    )
    cache.set(next_key, next_slot, timeout=86400)
    if decision != "wait":
        cache.set(count_key, int(cache.get(count_key, 0)) + 1, timeout=10)
    return decision, slot


def _gate_count(*, now: float) -> None:
    """A ticket went in: counted in its second (what `gate_step` lends is what is left)."""
    _next_key, count_key = _gate_keys(now)
    with contextlib.suppress(Exception):  # the count only lends capacity; fail open
        client = _redis_client()
        if client is None:
            cache.set(count_key, int(cache.get(count_key, 0)) + 1, timeout=10)
            return
        key = cache.make_and_validate_key(count_key)
        client.pipeline().incr(key).expire(key, 10).execute()
