"""The reports replica router: rollup reads go to `replica` when REPLICA_DATABASE_URL is set,
everything else (and every write, and reads inside a transaction) to `default`."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import router, transaction

from contests.models import Unit
from reports.models import DailyRollup, ExportJob, RollupState, UnitRollup


@pytest.fixture
def replica(monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))


def test_without_a_replica_everything_reads_the_primary():
    assert "replica" not in settings.DATABASES
    assert UnitRollup.objects.all().db == "default"
    assert router.db_for_read(UnitRollup) == "default"


def test_rollup_reads_go_to_the_replica(replica):
    assert UnitRollup.objects.all().db == "replica"
    assert DailyRollup.objects.all().db == "replica"
    # Read-then-update tables, other apps and writes stay on the primary.
    assert ExportJob.objects.all().db == "default"
    assert RollupState.objects.all().db == "default"
    assert Unit.objects.all().db == "default"
    assert router.db_for_write(UnitRollup) == "default"
    assert UnitRollup.objects.select_for_update().db == "default"
    assert router.allow_migrate("replica", "reports") is False
    assert router.allow_migrate("default", "reports") is True


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    with transaction.atomic():
        assert UnitRollup.objects.all().db == "default"
    assert UnitRollup.objects.all().db == "replica"


def test_replica_database_url_adds_the_alias():
    script = (
        "import django, json; django.setup();"
        "from django.conf import settings; from reports.models import UnitRollup;"
        "r = settings.DATABASES['replica']; db = UnitRollup.objects.all().db;"
        "print(json.dumps([r['HOST'], r['NAME'], r['TEST']['MIRROR'], db]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "contest_site.settings.test",
        "REPLICA_DATABASE_URL": "postgres://reader@replica.example:5432/contest",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == [
        "replica.example",
        "contest",
        "default",
        "replica",
    ]
