"""kombu's Redis transport, with two faults of a Redis broker survived by the worker: a restart
while the worker holds a task, and a broker full under `noeviction`.

Why (issue 20, fault 1): Celery 5.7.0 closes a broken broker connection twice when the worker
loses it (`Consumer.on_connection_error_after_connected`: `connection.collect()`, then
`connection.close()`; Celery 5.6 only collected). The first close fails on the dead socket before
the channel is marked closed, and `collect()` then detaches the transport from its connection
(`transport.client = None`). The second close runs the channel's close again, which gives the
unacknowledged messages back to Redis (`QoS.restore_unacked_once`) and so asks for a new Redis
client, whose parameters are read from `transport.client`: an AttributeError ("'NoneType'
object has no attribute 'hostname'"). Celery ignores only connection errors there, so the worker
exited. It happened exactly when the worker held unacknowledged messages: a task running
(acks_late) or waiting for its countdown (the grading doorbell's 1-second delay), i.e. always
under load, never when idle.

Here the channel of a detached transport raises redis' ConnectionError instead, as the first
close did; Celery ignores it and reconnects. What the worker held comes back by itself: with the
broker's AOF the unacknowledged entries are restored after the visibility timeout, the next
grading task takes every waiting submission along (scoring.services.grading), and the requeue
sweeper queues what is still ungraded after a minute.

Full (issue 20, fault 3): Redis at `maxmemory` with `noeviction` refuses every command that adds
data (OOM) but still serves reads, pops and deletes. kombu writes twice where it need not fail:
the scan for a dead worker's messages takes a lock (SET NX) when the worker connects, a queue's
binding is recorded again (SADD) whenever it is declared, and every message taken is recorded as
unacknowledged (ZADD + HSET). And inside MULTI, a full Redis refuses *every* queued command,
reads and deletions included, so kombu's transactional pipelines (a queue's length read on
declare, the deletion on acknowledgement) failed too. All of it raised into the worker, which
could not start (40 failed restarts in the report) and exited on the first message. Here a
refused scan is skipped until the next one (every unacked_restore_interval), a refused binding
is left as it was (publishers declare it too), the length read and the acknowledgement go
without MULTI (reads and deletions are never refused), and a message whose record is refused is
run anyway, held in memory only: its task runs at most once instead of at least once, which the
grading services and the requeue sweeper make harmless. Anything else a
full broker refuses is a channel error, which settings CELERY_BROKER_CHANNEL_ERROR_RETRY turns
into a reconnect instead of an exit. The broker is kept apart from the cache (deploy/README.md)
so that sessions and cached pages never fill it.

Used for redis:// brokers (settings CELERY_BROKER_TRANSPORT; a rediss:// broker keeps kombu's
own, which turns TLS on from the scheme).
tests/scoring/test_worker_broker_faults.py restarts and fills a private broker under a real
worker."""

from __future__ import annotations

import logging
import time

from kombu.transport import redis as kombu_redis
from kombu.transport import virtual
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ExecAbortError, OutOfMemoryError

logger = logging.getLogger(__name__)

# Seconds between two log lines about a full broker, per process.
LOG_EVERY = 60.0
_last_logged = 0.0


def _refused(error: Exception) -> bool:
    """Did Redis refuse a write for lack of memory? redis-py raises the OOM of a command
    queued in MULTI as that command's error; an EXECABORT naming OOM counts the same."""
    return isinstance(error, OutOfMemoryError) or (
        isinstance(error, ExecAbortError) and "OOM" in str(error)
    )


def _log_full(what: str, error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY:
        _last_logged = now
        logger.warning("broker full, %s: %s", what, error)


class QoS(kombu_redis.QoS):
    def _remove_from_indices(self, delivery_tag, pipe=None):
        if pipe is None:
            with self.channel.conn_or_acquire() as client:
                pipe = client.pipeline(transaction=False)
        return super()._remove_from_indices(delivery_tag, pipe=pipe)

    def append(self, message, delivery_tag):
        try:
            super().append(message, delivery_tag)
        except (OutOfMemoryError, ExecAbortError) as error:
            if not _refused(error):
                raise
            _log_full("a task runs without its unacknowledged record", error)
            virtual.QoS.append(self, message, delivery_tag)

    def restore_visible(self, *args, **kwargs):
        try:
            return super().restore_visible(*args, **kwargs)
        except (OutOfMemoryError, ExecAbortError) as error:
            if not _refused(error):
                raise
            _log_full("the scan for lost messages waits for the next one", error)


class Channel(kombu_redis.Channel):
    QoS = QoS

    def _size(self, queue):
        with self.conn_or_acquire() as client, client.pipeline(transaction=False) as pipe:
            for priority in self.priority_steps:
                pipe.llen(self._q_for_pri(queue, priority))
            return sum(size for size in pipe.execute() if isinstance(size, int))

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        try:
            super()._queue_bind(exchange, routing_key, pattern, queue)
        except (OutOfMemoryError, ExecAbortError) as error:
            if not _refused(error):
                raise
            _log_full(f"binding of {queue!r} not recorded again", error)

    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection is closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
