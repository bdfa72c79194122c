"""Log records as one JSON object per line (production), for a log shipper to index by field.

Our own twenty lines rather than python-json-logger: the fields are fixed (time, level, logger,
message, request id, the exception) plus whatever a caller passed in `extra=`, and nothing else
needs configuring."""

from __future__ import annotations

import datetime
import json
import logging

# The attributes every LogRecord has; anything else on a record came from `extra=` (or from a
# filter, such as the request id) and is written as its own field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        # default=str: a model instance or a datetime in `extra=` is written, not an error.
        return json.dumps(out, ensure_ascii=False, default=str)
