"""Results export benchmark (not a test; issue 21 point 5): where the time of the 1.5 M-row
ranked-results export goes, and which Excel writer to use. Every phase runs in a fresh
process, so that its peak memory (VmHWM) is its own:

- `job`: the export as the worker runs it (an ExportJob, `export_job_run`): the target is
  ≤ 120 s and ≤ 150 MB at 1.5 M rows;
- reading the rows without writing them: `read-export` (the export's own read and row
  building, `reports.exports.results` over `reading.rows_read`; it also dumps the rows for the
  writers), and three ways to read the ranking's fields: `read-pages` (the export's read until
  now: the order once as ids, then pages of 5,000 ids by primary key), `read-cursor` (one
  server-side cursor, `values_list().iterator()`), `read-copy` (`COPY (the ranking query) TO
  STDOUT` as CSV into a temporary file, parsed and typed back: `reading.rows_read`);
- writing the same rows (the export's rows, dumped once to a pickle file) with each writer:
  `write-openpyxl` (write-only mode with lxml, the cells as the export wrote them until now),
  `write-xlsxwriter` (constant_memory), `write-rustpy` (rustpy-xlsxwriter, Rust), and
  `write-pyexcelerate` (keeps the whole workbook in memory); `source` times reading the pickle
  alone, which is taken off each writer's time.

The contest is built by the same builder as reports_bench (`contest_simulate`, seed 42) with
one attempt per participant (the export reads the result rows, one per person, not the
attempts: the load takes minutes instead of half an hour). The load average is printed with
every figure: the machine is shared, read the ratios of one run.

Usage (PostgreSQL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest_export_bench \\
        .venv/bin/python benchmarks/export_bench.py --scale 0.1 [--phases job,read-pages,...]
        [--limit N] [--json FILE]
(--limit N: the source and writer phases write only the first N dumped rows, for the slow
writers at full scale.)
Prints one JSON object with the figures (benchmarks/README.md, "Results export")."""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reports_bench import FULL_PARTICIPANTS, _peak_mb, _setup  # noqa: E402

PHASES = (
    "job",
    "read-export",
    "read-pages",
    "read-cursor",
    "read-copy",
    "source",
    "write-openpyxl",
    "write-xlsxwriter",
    "write-rustpy",
    "write-pyexcelerate",
)
DUMP_CHUNK = 10_000


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _contest(slug: str):
    from contests.models import Contest

    return Contest.objects.get(slug=slug)


def _user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-root", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def phase_job(slug: str, dump: str) -> dict:
    from reports.models import ExportJob
    from reports.services.exports import export_job_run

    contest = _contest(slug)
    job = ExportJob.objects.create(
        owner=_user(), kind="results", contest=contest, unit=contest.participation_root
    )
    started = time.perf_counter()
    job = export_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    out = {
        "seconds": round(seconds, 2),
        "rows": job.rows_written,
        "status": job.status,
        "error": job.error[:300],
        "file_mb": round(job.file.size / 2**20, 1) if job.file else 0,
    }
    if job.file:
        job.file.delete(save=False)
    job.delete()
    return out


def _export_rows(slug: str):
    """The export's own rows (read, masked, built) and their count, as it writes them."""
    from reports.exports import results

    captured = {}

    class Capture:
        def start(self, title, columns, *, rows=None, count=None):
            captured.update(rows=rows, count=count, columns=columns)

    results.write(Capture(), contest=_contest(slug), unit=None, full_identity=False)
    return captured["rows"], captured["count"], [c.header for c in captured["columns"]]


def phase_read_export(slug: str, dump: str) -> dict:
    """Read and build the export's rows; also dump them for the writer phases."""
    started = time.perf_counter()
    rows, count, headers = _export_rows(slug)
    copy_seconds = time.perf_counter() - started
    n = 0
    with open(dump, "wb") as handle:
        pickle.dump({"headers": headers, "count": count}, handle)
        chunk = []
        for row in rows:
            chunk.append(row)
            n += 1
            if len(chunk) == DUMP_CHUNK:
                pickle.dump(chunk, handle)
                chunk = []
        if chunk:
            pickle.dump(chunk, handle)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "copy_seconds": round(copy_seconds, 2), "rows": n}


def phase_read_pages(slug: str, dump: str) -> dict:
    """The export's read until now: the ranking's ids in order (one query), then the fields
    of 5,000 ids at a time looked up by primary key."""
    from array import array

    from django.db import connection

    from reports.exports import results
    from scoring.models import Result
    from scoring.selectors.results import results_ranked

    started = time.perf_counter()
    ranked = results_ranked(contest=_contest(slug))
    sql, params = ranked.values_list("pk", flat=True).query.sql_with_params()
    ids = array("q")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while fetched := cursor.fetchmany(10_000):
            ids.extend(row[0] for row in fetched)
    ids_seconds = time.perf_counter() - started
    n = 0
    for start in range(0, len(ids), 5000):
        page_ids = ids[start : start + 5000].tolist()
        page = Result.objects.filter(pk__in=page_ids).values_list("pk", *results.FIELDS)
        by_id = {row[0]: row[1:] for row in page}
        n += sum(1 for pk in page_ids if pk in by_id)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "ids_seconds": round(ids_seconds, 2), "rows": n}


def phase_read_cursor(slug: str, dump: str) -> dict:
    from reports.exports import results
    from scoring.selectors.results import results_ranked

    started = time.perf_counter()
    qs = results_ranked(contest=_contest(slug)).values_list(*results.FIELDS)
    n = sum(1 for _ in qs.iterator(chunk_size=5000))
    return {"seconds": round(time.perf_counter() - started, 2), "rows": n}


def phase_read_copy(slug: str, dump: str) -> dict:
    """COPY of the ranking query as CSV into a temporary file, parsed and typed back."""
    from reports.exports import results
    from reports.exports.reading import rows_read
    from scoring.selectors.results import results_ranked

    started = time.perf_counter()
    qs = results_ranked(contest=_contest(slug)).values_list(*results.FIELDS)
    count, rows = rows_read(qs)
    copied = time.perf_counter() - started
    n = sum(1 for _ in rows)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "copy_seconds": round(copied, 2),
        "rows": n,
    }


def _dumped(dump: str):
    with open(dump, "rb") as handle:
        head = pickle.load(handle)  # noqa: S301 (our own file)

        def rows():
            while True:
                try:
                    yield from pickle.load(handle)  # noqa: S301
                except EOFError:
                    return

        yield head
        yield from rows()


def _source(dump: str):
    """The dumped rows' header (headers, count) and an iterator over the rows."""
    it = _dumped(dump)
    return next(it), it


def phase_source(slug: str, dump: str, limit: int | None) -> dict:
    started = time.perf_counter()
    _, rows = _source(dump)
    rows = itertools.islice(rows, limit)
    n = sum(1 for _ in rows)
    return {"seconds": round(time.perf_counter() - started, 2), "rows": n}


ROWS_PER_SHEET = 1_000_000
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
WIDTHS = [8, 28, 16, 12, 30, 24, 22, 10, 12, 12, 20, 14]


def _write_openpyxl(headers, rows, path, count) -> int:
    """The cells as reports/exports/base.py wrote them until now: dates as WriteOnlyCell
    with a number format, strings starting with = + - @ as explicit string cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    n, sheet = 0, None
    for row in rows:
        if n % ROWS_PER_SHEET == 0:
            sheet = wb.create_sheet(f"Kết quả ({n // ROWS_PER_SHEET + 1})")
            sheet.freeze_panes = "A2"
            header = []
            for h in headers:
                cell = WriteOnlyCell(sheet, value=h)
                cell.font = Font(bold=True)
                header.append(cell)
            sheet.append(header)
        cells = []
        for v in row:
            if isinstance(v, str) and v and v[0] in "=+-@\t\r":
                cell = WriteOnlyCell(sheet, value=v)
                cell.data_type = "s"
                v = cell
            elif isinstance(v, datetime.date):
                cell = WriteOnlyCell(sheet, value=v)
                is_stamp = isinstance(v, datetime.datetime)
                cell.number_format = DATETIME_FORMAT if is_stamp else DATE_FORMAT
                v = cell
            cells.append(v)
        sheet.append(cells)
        n += 1
    wb.save(path)
    return n


def _write_xlsxwriter(headers, rows, path, count) -> int:
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "vcenter"})
    day = wb.add_format({"num_format": DATE_FORMAT})
    stamp = wb.add_format({"num_format": DATETIME_FORMAT})
    n, ws, r = 0, None, 0
    for row in rows:
        if n % ROWS_PER_SHEET == 0:
            ws = wb.add_worksheet(f"Kết quả ({n // ROWS_PER_SHEET + 1})")
            for i, width in enumerate(WIDTHS):
                ws.set_column(i, i, width)
            ws.freeze_panes(1, 0)
            ws.write_row(0, 0, headers, bold)
            r = 0
        r += 1
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v)
            elif isinstance(v, datetime.datetime):
                ws.write_datetime(r, c, v, stamp)
            elif isinstance(v, datetime.date):
                ws.write_datetime(r, c, v, day)
            else:
                ws.write_number(r, c, v)
        n += 1
    wb.close()
    return n


def _write_rustpy(headers, rows, path, count) -> int:
    """Through the export's own writer (reports.exports.base.SheetWriter)."""
    from reports.exports.base import Column, SheetWriter

    writer = SheetWriter(rows_per_sheet=ROWS_PER_SHEET)
    columns = [Column(h, w) for h, w in zip(headers, WIDTHS, strict=True)]
    columns[3].number_format = DATE_FORMAT
    writer.start("Kết quả", columns, rows=rows, count=count)
    writer.save(path)
    return writer.rows_written


def _write_pyexcelerate(headers, rows, path, count) -> int:
    from pyexcelerate import Workbook

    wb = Workbook()
    data, n = [headers], 0
    for row in rows:
        data.append(row)
        n += 1
        if len(data) > ROWS_PER_SHEET:
            wb.new_sheet(f"Kết quả ({n // ROWS_PER_SHEET})", data=data)
            data = [headers]
    if len(data) > 1:
        wb.new_sheet(f"Kết quả ({n // ROWS_PER_SHEET + 1})", data=data)
    wb.save(path)
    return n


WRITERS = {
    "write-openpyxl": _write_openpyxl,
    "write-xlsxwriter": _write_xlsxwriter,
    "write-rustpy": _write_rustpy,
    "write-pyexcelerate": _write_pyexcelerate,
}


def phase_write(name: str, dump: str, limit: int | None) -> dict:
    out = tempfile.mktemp(suffix=".xlsx")  # noqa: S306
    try:
        head, rows = _source(dump)
        count = head["count"] if limit is None else min(limit, head["count"])
        rows = itertools.islice(rows, count)
        started = time.perf_counter()
        n = WRITERS[name](head["headers"], rows, out, count)
        seconds = time.perf_counter() - started
        size = os.path.getsize(out)
    finally:
        if os.path.exists(out):
            os.unlink(out)
    return {"seconds": round(seconds, 2), "rows": n, "file_mb": round(size / 2**20, 1)}


def child(phase: str, slug: str, dump: str, limit: int | None) -> dict:
    _setup()
    started_load = _load()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    if phase == "job":
        out = phase_job(slug, dump)
    elif phase == "read-export":
        out = phase_read_export(slug, dump)
    elif phase == "read-pages":
        out = phase_read_pages(slug, dump)
    elif phase == "read-cursor":
        out = phase_read_cursor(slug, dump)
    elif phase == "read-copy":
        out = phase_read_copy(slug, dump)
    elif phase == "source":
        out = phase_source(slug, dump, limit)
    else:
        out = phase_write(phase, dump, limit)
    out["peak_mb"] = round(_peak_mb(), 1)
    # This process's CPU time (user + system): what the phase costs a core, whatever the load
    # (the database server's work, e.g. COPY's sort, is in another process and not counted).
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime - cpu_before, 2)
    out["load"] = f"{started_load} → {_load()}"
    return out


def _run_child(phase: str, slug: str, dump: str, limit: int | None) -> dict:
    extra = ["--limit", str(limit)] if limit else []
    done = subprocess.run(
        [sys.executable, __file__, "--child", phase, "--slug", slug, "--dump", dump, *extra],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        return {"error": f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--slug", default=None)
    parser.add_argument("--phases", default=",".join(PHASES))
    parser.add_argument("--json", dest="json_path", default=None)
    parser.add_argument("--dump", default=None)
    parser.add_argument(
        "--limit", type=int, default=None, help="the source and writers: the first N rows only"
    )
    parser.add_argument("--child", choices=PHASES, default=None)
    args = parser.parse_args()
    slug = args.slug or f"export-{str(args.scale).replace('.', '-')}"
    dump = args.dump or str(Path(tempfile.gettempdir()) / f"export-bench-{slug}.pickle")
    if args.child:
        print(json.dumps(child(args.child, slug, dump, args.limit)))
        return

    _setup()
    from devdata.services.simulation import contest_simulate
    from participants.models import Registration

    figures: dict = {"scale": args.scale, "slug": slug}
    if not Registration.objects.filter(contest__slug=slug).exists():
        people = int(FULL_PARTICIPANTS * args.scale)
        started = time.perf_counter()
        contest_simulate(slug=slug, participants=people, attempts=people, seed=42)
        figures["load_seconds"] = round(time.perf_counter() - started, 1)
    phases = [p for p in args.phases.split(",") if p]
    unknown = set(phases) - set(PHASES)
    if unknown:
        raise SystemExit(f"unknown phases: {sorted(unknown)}")
    writes = [p for p in phases if p.startswith("write-") or p == "source"]
    if writes and "read-export" not in phases and not os.path.exists(dump):
        phases.insert(0, "read-export")  # the writers' rows come from its dump
    for phase in phases:
        figures[phase] = _run_child(phase, slug, dump, args.limit)
        print(phase, json.dumps(figures[phase], ensure_ascii=False), file=sys.stderr)
    source = figures.get("source", {}).get("seconds")
    if source is not None:
        for phase in phases:
            if phase.startswith("write-") and "seconds" in figures[phase]:
                figures[phase]["writing_seconds"] = round(figures[phase]["seconds"] - source, 2)
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    if args.json_path:
        Path(args.json_path).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
