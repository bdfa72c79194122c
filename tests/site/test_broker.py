"""contest_site/broker.py's rule for "Redis refused a write for lack of memory" (the worker
tests with a real broker: tests/scoring/test_worker_broker_faults.py)."""

import pytest
from redis.exceptions import ConnectionError, ExecAbortError, OutOfMemoryError, ResponseError

from contest_site.broker import _refused

OOM = "command not allowed when used memory > 'maxmemory'."


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (OutOfMemoryError(OOM), True),
        (ExecAbortError("Command # 1 (SADD k m) of pipeline caused error: OOM " + OOM), True),
        (ExecAbortError("EXECABORT Transaction discarded because of previous errors."), False),
        (ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value"), False),
        (ConnectionError("Connection closed by server."), False),
    ],
)
def test_refused(error, refused):
    assert _refused(error) is refused
