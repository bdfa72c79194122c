"""List columns: a PostgreSQL array where the roll-ups unnest them in SQL, JSON text elsewhere
(the embedded SQLite demo, which folds them in Python).

Why not JSONField: at 1.5 million result rows, unnesting three `integer[]`/`date[]` columns in
one `unnest(a, b, c)` took 1.9 s where `jsonb_array_elements` of the same data took 2.7 s
(docs/reports.md, "Benchmark"); and why not `django.contrib.postgres` ArrayField: the model
must also work on SQLite."""

from __future__ import annotations

import datetime
import json

from django.db import models


class _ListField(models.Field):
    element_db_type = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is list:
            del kwargs["default"]
        return name, path, args, kwargs

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return f"{self.element_db_type}[]"
        return "text"

    def _element(self, value):
        raise NotImplementedError

    def _json_element(self, value):
        return value

    def to_python(self, value):
        if value is None:
            return value
        if isinstance(value, str):
            value = json.loads(value)
        return [self._element(v) for v in value]

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if connection.vendor == "postgresql":
            # psycopg2 sends a list as an ARRAY. A list is what grading builds (elements of the
            # right type already): not converted element by element again on every write.
            return value if isinstance(value, list) else self.to_python(value)
        value = self.to_python(value)
        return json.dumps([self._json_element(v) for v in value])


class IntegerListField(_ListField):
    """A list of integers: `integer[]` on PostgreSQL."""

    element_db_type = "integer"

    def _element(self, value):
        return int(value)


class DateListField(_ListField):
    """A list of dates: `date[]` on PostgreSQL, ISO dates in JSON elsewhere."""

    element_db_type = "date"

    def _element(self, value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(value)

    def _json_element(self, value):
        return value.isoformat()
