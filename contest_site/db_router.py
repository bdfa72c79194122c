"""Reports read from a PostgreSQL streaming replica when one is configured
(`REPLICA_DATABASE_URL` → the `replica` alias); everything else, and every write, uses
`default`. Without a replica this router changes nothing.

What goes to the replica: reads of the `reports` app's rollup tables (the dashboard, rankings
pages, figures), which are a cache at most a minute behind anyway, so replication lag (usually
well under a second) changes nothing visible. What stays on the primary:
- `RollupState` and `ExportJob`: read and then updated by tasks (a job just created on the
  primary must be found by the worker at once);
- any read inside `transaction.atomic()` on the primary: read-your-writes for services that
  read and then write;
- every other app (raw attempts, registrations, the unit tree).
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


class ReportsReplicaRouter:
    replica_apps = frozenset({"reports"})
    primary_only = frozenset({"reports.rollupstate", "reports.exportjob"})

    def db_for_read(self, model, **hints):
        if REPLICA not in settings.DATABASES:
            return None
        opts = model._meta
        if opts.app_label not in self.replica_apps or opts.label_lower in self.primary_only:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return None  # always the primary

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's WAL: never migrate it directly.
        return False if db == REPLICA else None
