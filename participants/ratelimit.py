"""Cache-based rate limits per client address (fixed windows in Redis, atomic INCR).

Limits come from settings.PARTICIPANTS_RATE_LIMITS = {scope: (requests, seconds)}; the
defaults are generous because a whole school often shares one address. They slow down
scripted sign-ups and password spraying; per-account guessing is django-axes' job."""

from __future__ import annotations

import functools
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

DEFAULT_LIMITS = {
    "login": (300, 60),
    "register": (300, 600),
}


def _limits(scope: str) -> tuple[int, int]:
    configured = getattr(settings, "PARTICIPANTS_RATE_LIMITS", {}) or {}
    return configured.get(scope, DEFAULT_LIMITS[scope])


def rate_limit_hit(*, scope: str, address: str) -> int | None:
    """Count one request; returns the seconds to wait when over the limit, else None."""
    limit, window = _limits(scope)
    return fixed_window_hit(key=f"participants:rl:{scope}:{address}", limit=limit, window=window)


def client_address(request) -> str:
    """The address axes saw (it honours the proxy settings), else REMOTE_ADDR."""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


def fixed_window_hit(*, key: str, limit: int, window: int) -> int | None:
    """Count one event under `key` in the current fixed window of `window` seconds; the
    seconds to wait when the count is over `limit`, else None. The one counter every rate
    limit uses (sign-ups and logins here, the results lookup in scoring)."""
    now = time.time()
    start = int(now // window) * window
    key = f"{key}:{start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return max(1, math.ceil(start + window - now))
    return None


def rate_limited(scope: str):
    """Limit POSTs of a view; over the limit, a 429 page that says how long to wait."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                wait = rate_limit_hit(scope=scope, address=client_address(request))
                if wait is not None:
                    response = render(
                        request,
                        "participants/rate_limited.html",
                        {"seconds": wait},
                        status=429,
                    )
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
