"""Django's Redis cache, with one `redis.Redis` client per connection pool instead of one per
operation.

Django's RedisCacheClient.get_client builds a new `redis.Redis` for every cache call; its
constructor fills a table of about 170 response callbacks each time. That was about 1 ms of
CPU per call under the profiler, paid twice on a submit (the session, the grading doorbell)
and at least once on every page (the session). The client object holds no connection of its
own (the pool does) and is safe to share between threads, so one per pool is enough."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
