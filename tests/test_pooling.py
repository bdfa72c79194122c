"""DATABASE_POOLING=transaction (PgBouncer in transaction mode, deploy/pgbouncer.ini): the
settings switch, and the prize list and results publish through it. No PgBouncer is needed:
the switch is what these test; the benchmark (benchmarks/README.md) runs the exam flow
through a real one."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from scoring.selectors.prizes import prizes_allocate
from scoring.services.prizes import results_publish
from tests.scoring.grading_data import contest_close
from tests.scoring.test_prizes import district  # noqa: F401 - the fixture

SETTINGS_PROBE = (
    "from django.conf import settings; "
    "print(settings.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'], "
    "settings.DATABASES['default']['CONN_MAX_AGE'])"
)


def settings_with(**env) -> subprocess.CompletedProcess:
    """The test settings loaded in a fresh interpreter with these variables."""
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "contest_site.settings.test", **env}
    return subprocess.run(  # noqa: S603 - this interpreter, a fixed snippet
        [sys.executable, "-c", SETTINGS_PROBE],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("pooling", "printed"),
    [("", "False 60\n"), ("transaction", "True 60\n")],
)
def test_pooling_switch_turns_server_side_cursors_off(pooling, printed):
    probe = settings_with(DATABASE_POOLING=pooling, CONN_MAX_AGE="60")
    assert (probe.returncode, probe.stdout) == (0, printed)


def test_unknown_pooling_mode_is_refused():
    # Session mode needs no switch (a client keeps its server connection): only the
    # transaction mode is meaningful, and a typo must not silently mean "direct".
    probe = settings_with(DATABASE_POOLING="session")
    assert probe.returncode == 1
    assert "DATABASE_POOLING='session': '' or 'transaction'" in probe.stderr


@pytest.fixture
def named_cursors(monkeypatch):
    """Counts the server-side (named) cursors Django opens on the default connection."""
    opened = []
    original = connection.chunked_cursor

    def spy():
        opened.append(1)
        return original()

    monkeypatch.setattr(connection, "chunked_cursor", spy)
    return opened


@pytest.mark.django_db
def test_prize_list_opens_no_server_side_cursor(district, named_cursors):  # noqa: F811
    """It reads the ranking in pages (`scoring.selectors.results.in_pages`), so it needs no
    cursor that a transaction-mode pooler would drop, nor, without one, the whole ranking in
    memory."""
    contest, _people, _root = district
    assert prizes_allocate(contest=contest).rows[0]["winner_name"] == "Người 02"
    assert named_cursors == []


@pytest.mark.django_db
def test_publish_through_transaction_pooling(district, named_cursors, monkeypatch):  # noqa: F811
    contest, _people, root = district
    live = prizes_allocate(contest=contest).rows
    named_cursors.clear()
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)

    assert prizes_allocate(contest=contest).rows == live
    contest_close(contest, prediction_actual=34)
    snapshot = results_publish(contest=contest, user=root)

    assert (snapshot.version, snapshot.prizes) == (1, live)
    assert snapshot.budget["used"] == 56_500_000
    assert named_cursors == []
