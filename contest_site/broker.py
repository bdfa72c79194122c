"""kombu's Redis transport, with a closed connection's channel answering a connection error.

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
sweeper queues what is still ungraded after a minute. Used for redis:// and rediss:// brokers
(settings CELERY_BROKER_TRANSPORT); tests/scoring/test_worker_broker_faults.py restarts a
broker under a worker holding a task."""

from __future__ import annotations

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection is closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
