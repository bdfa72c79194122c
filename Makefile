# The two commands: `make demo` and `make test`. Both start from a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: demo test install install-dev lint messages bench bench-rounds chaos restore-drill clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v 0

demo: install messages
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_participants
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# PostgreSQL and Redis on 127.0.0.1 unless DATABASE_URL / REDIS_URL say otherwise; a missing
# one stops pytest with one line (tests/conftest.py).
# Then the tests marked `sqlite` (exam flow through the views, roll-ups, unit import, the demo
# seed and the simulator) again on SQLite, the embedded default `make demo` runs on, also on two
# workers (pytest-django gives each its own SQLite file: test-sqlite.sqlite3_gw0, _gw1).
# Two pytest-xdist workers (TEST_WORKERS), each with its own PostgreSQL test database and
# Redis database (contest_site/settings/test.py). worksteal: an idle worker takes tests still
# queued on the other (the URL fuzz's roles, minutes each, come last in file order).
TEST_WORKERS ?= 2
test: install-dev messages lint
	$(PY) manage.py makemigrations --check --dry-run --settings=contest_site.settings.test
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal
	TEST_SQLITE=1 DATABASE_URL=sqlite:///test-sqlite.sqlite3 $(VENV)/bin/pytest -m sqlite -n $(TEST_WORKERS) --dist worksteal

bench: install-dev messages
	$(PY) benchmarks/run.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/contest_city_bench} \
		REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13} $(PY) benchmarks/accounts_bench.py
	$(PY) benchmarks/item_stats_bench.py
	$(PY) benchmarks/flags_bench.py
	DATABASE_URL=$${BENCH_ROSTER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/contest_roster_bench} \
		REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13} $(PY) benchmarks/roster_bench.py
	# Issue 21: a whole attempt against its floor; the school start (live vs drawn ahead); grading
	# old vs SQL; the 1.5 M-row export (job, reads, writers); roll-ups at 1.5 M. Issue 20: the
	# grading worker through a broker restart and a full broker.
	$(PY) benchmarks/attempt_bench.py
	$(PY) benchmarks/school_start_bench.py
	createdb -h 127.0.0.1 -U postgres contest_grading_bench 2>/dev/null || true
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest_grading_bench \
		REDIS_URL=redis://127.0.0.1:6379/12 $(PY) benchmarks/grading_bench.py
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest_export_bench \
		REDIS_URL=redis://127.0.0.1:6379/12 $(PY) benchmarks/export_bench.py --limit 150000
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest_reports_bench \
		REDIS_URL=redis://127.0.0.1:6379/12 $(PY) benchmarks/reports_bench.py
	$(PY) benchmarks/broker_faults_bench.py

# Weekly rounds at city scale (1.5 M people, 8 rounds: ~10 minutes to build; issue 15).
bench-rounds: install-dev
	$(PY) benchmarks/rounds_bench.py

# One fault at a time under the exam's load, on a private PostgreSQL and two private Redis servers
# (issue 20; ≈ 10-15 min; needs root for its tmpfs and Debian's faketime for the clock fault).
chaos: install-dev messages
	$(PY) benchmarks/chaos.py

# Dump a simulated contest's database, restore it into a fresh private PostgreSQL cluster and
# check that figures, ranking, export and roll-ups are identical (deploy/backups.md; a few
# minutes). RESTORE_DRILL_DATABASE_URL: the source database (built once, then reused).
restore-drill: install-dev
	$(PY) benchmarks/restore_drill.py

clean:
	rm -rf $(VENV) db.sqlite3 test-sqlite.sqlite3* staticfiles
