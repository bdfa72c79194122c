"""Django's Redis cache, with one `redis.Redis` client per connection pool instead of one per
operation, and failing open: a cache that cannot be reached (Redis restarting, unreachable,
or full under `noeviction`) behaves as an empty cache that keeps nothing, with one log line a
minute per process, instead of raising into the request.

Why fail open: the cache holds nothing that is not also somewhere else. Sessions are
`cached_db` (the database has them; before this, the write-back to a dead cache made every
logged-in request a 500 for the whole outage), cached pages and question texts are rebuilt
from the database, and the counters degrade to "let through": rate limits count nothing, the
start gate admits (scoring.services.gate.start_admit) and the grading doorbell publishes
(scoring.services.queueing). What each operation answers when Redis fails:
- get → the default, get_many → {}, has_key → False (a miss);
- set, set_many, touch, delete, delete_many, clear → nothing kept;
- add → True (as if the key were new: the caller goes ahead, which is "let through");
- incr → ValueError, as for a missing key (fixed_window_hit then counts 1: let through).

One client per pool: Django's RedisCacheClient.get_client builds a new `redis.Redis` for every
cache call; its constructor fills a table of about 170 response callbacks each time. That was
about 1 ms of CPU per call under the profiler, paid twice on a submit (the session, the grading
doorbell) and at least once on every page (the session). The client object holds no connection
of its own (the pool does) and is safe to share between threads, so one per pool is enough."""

from __future__ import annotations

import functools
import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# Seconds between two log lines about the same outage, per process.
LOG_EVERY = 60.0
_last_logged = 0.0


def _log_failure(operation: str, exc: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY:
        _last_logged = now
        logger.warning(
            "cache unavailable (%s: %s: %s); serving without it",
            operation,
            exc.__class__.__name__,
            exc,
        )


def _fail_open(answer):
    """Run the operation; on a Redis error, log (rate-limited) and return `answer(*args)`."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except redis.RedisError as exc:
                _log_failure(method.__name__, exc)
                return answer(*args, **kwargs)

        return wrapper

    return decorator


def _missing_key(*args, **kwargs):
    raise ValueError("Key not found (cache unavailable).")


def _default(key, default=None, **kwargs):
    return default


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client

    get = _fail_open(_default)(RedisCacheClient.get)
    get_many = _fail_open(lambda *a, **k: {})(RedisCacheClient.get_many)
    has_key = _fail_open(lambda *a, **k: False)(RedisCacheClient.has_key)
    add = _fail_open(lambda *a, **k: True)(RedisCacheClient.add)
    set = _fail_open(lambda *a, **k: None)(RedisCacheClient.set)
    set_many = _fail_open(lambda *a, **k: None)(RedisCacheClient.set_many)
    touch = _fail_open(lambda *a, **k: False)(RedisCacheClient.touch)
    delete = _fail_open(lambda *a, **k: False)(RedisCacheClient.delete)
    delete_many = _fail_open(lambda *a, **k: None)(RedisCacheClient.delete_many)
    incr = _fail_open(_missing_key)(RedisCacheClient.incr)
    clear = _fail_open(lambda *a, **k: False)(RedisCacheClient.clear)


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
