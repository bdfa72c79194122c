"""The URL fuzz (issue 12, item 7): every URL pattern of the project, as every role, with hostile
values in path parameters, query strings, form fields, JSON bodies and methods. The property:
never a 500, and the database unchanged.

How it works
- The patterns come from the resolver (admin's included): a new page is fuzzed without a line
  here. A path parameter gets a real id of the world below (so the view goes past its 404 into
  its form handling) and hostile values that still match its converter (fuzz_support).
- One test per role. Pass 1 GETs every pattern's real path: never a 500, and the HTML tells
  which fields each form posts where, and which query keys same-page links use (admin filters,
  ordering, pages, date hierarchy). Pass 2 sends, for every pattern, a fixed sweep (hostile
  path values, an empty POST, NUL everywhere, an undecodable form body, deep JSON, PUT, PATCH,
  DELETE) and then `EXAMPLES` requests drawn by hypothesis (derandomized, no example database):
  a method, hostile values for some of the known query keys and form fields (others missing),
  garbage uploads in file inputs, JSON bodies.
- Every request runs in a savepoint that is rolled back afterwards, so the world is the same
  for every request and the fingerprint taken before is the one to compare with. Failures are
  collected (not raised at the first) and listed together, with the value that caused each.

"Nothing changed" is a fingerprint of every table: row count and an MD5 over every row
(fuzz_support.fingerprint_sql), taken after each request that wrote any row (PostgreSQL's
per-transaction write counts, fuzz_support.write_count, tell in a fraction of the
fingerprint's cost), inside its savepoint. Left out,
because a request legitimately writes them: NOT_FINGERPRINTED. A change is tolerated only where
the request is an action that needs no input and the reply says it was done (a redirect):
ACTIONS. Everything else (login, registration, join, profile, autosave, every form that
validates input) must refuse hostile input and change nothing.

KNOWN_FAILURES lists the 500s owned by work in progress elsewhere (issue 12's other parts):
each is reported as "known", not as a failure, until the lead empties the list. A known entry
that no longer fails is reported too, so the list cannot go stale silently.

Size: `len(url_patterns())` patterns × 5 roles × (sweep + EXAMPLES) requests, printed at the
end of each role's test (pytest -rA; FUZZ_STATS=1 adds what each pattern answered). When this
was written: 177 patterns × 5 roles (the sixth, the essay judge, came later), 3,100-3,700
requests per role (about 17,000 in all), each role's test 11-34 s, the whole file about 2
minutes on the 2-core CI machine."""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import time
import traceback
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from participants.services import consent_notice_current
from scoring.admin.results import ContestWithResultsAdmin
from tests.factories import RegistrationFactory, contest_with_bank
from tests.site import fuzz_support as fz
from tests.site.test_admin_isolation import CASES, both

ROLES = ["anonymous", "citizen", "judge", "district", "city", "superuser"]

# Hypothesis-drawn requests per (pattern, role), beyond the fixed sweep; fewer where the role's
# GET of the page does not reach it (a redirect to a login page, a 403/404: nothing parsed; a
# 405 counts as reached, since a POST gets in).
EXAMPLES = 6
EXAMPLES_UNREACHED = 2

# Tables a request legitimately writes, left out of the fingerprint:
# - django_session: logging out, messages and the CSRF token live in the session;
# - axes_*: django-axes records every login attempt, failed or not (brute-force protection);
# - participants_personaldataaccess: every full view of identity data is logged (invariant 7),
#   a GET of an admin list included.
NOT_FINGERPRINTED = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "participants_personaldataaccess",
    # Derived figures: a dashboard view recomputes them when stale (reports.rules.freshness),
    # from the attempts and registrations, which stay fingerprinted; never from input.
    "reports_rollupstate",
    "reports_unitrollup",
    "reports_scorerollup",
    "reports_dailyrollup",
    "reports_rolluptree",
}

# Actions that take no input worth validating: a POST is the confirmation, and a redirect says
# it was done. Only there may the database change (and only with a redirect).
ACTIONS = {
    "scoring:start",  # start (or resume) an attempt
    "scoring:submit",  # submit, even with no answer
    "participants:logout",
    "admin:logout",
    "admin:contests_contest_transition",  # publish, close, publish results: buttons
    "contests:announcement_read",  # dismiss an announcement's banner
    "reports:refresh",  # "Cập nhật số liệu": recompute the figures now
}
ADMIN_ACTION_SUFFIXES = ("_delete", "_changelist")  # delete confirmation; changelist actions


@dataclass(frozen=True)
class Known:
    route: str
    role: str  # a role, or "*"
    what: str  # a substring of the request's description ("POST json", a value, ...)
    owner: str  # who is fixing it, and where


# Emptied by the lead as the other parts of issue 12 land.
KNOWN_FAILURES: list[Known] = []


# --- The world ---------------------------------------------------------------------------------


@pytest.fixture
def world(tree, organisers, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from participants.models import PersonalDataAccess
    from reports.models import ExportJob

    w = {f"unit:{code}": unit for code, unit in tree.items()}
    for label in CASES:
        both(w, label)
    exam = contest_with_bank(owner=tree["C"], root=tree["C"])
    registration = RegistrationFactory(contest=exam, unit=tree["A-1"])
    citizen = registration.participant.user
    consent_notice_current()

    clients = {"anonymous": Client()}
    for role, user in [
        ("citizen", citizen),
        ("district", organisers["a"]),
        ("city", organisers["city"]),
        ("superuser", organisers["root"]),
    ]:
        clients[role] = Client()
        clients[role].force_login(user)
    started = clients["citizen"].post(reverse("scoring:start", args=[exam.slug]))
    assert started.status_code == 302, started
    attempt_id = resolve(started["Location"]).kwargs["attempt_id"]

    job = ExportJob.objects.create(owner=organisers["a"], kind="summary", contest=exam)
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1)
    AccessLog.objects.create(username="x", ip_address="10.0.0.1")
    AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1")
    PersonalDataAccess.objects.create(user=organisers["city"], action="view", target="x")

    # The citizen's essay page and file (essays.views_entries): a task of the contest they
    # joined, with a submitted entry of theirs (nothing there may change).
    essay_task = essay_task_for_fuzz(exam)
    essay_entry = essay_entry_for_fuzz(essay_task, registration)
    # The judge's pages (essays.views_judge, /cham-thi/): a judge of district A's panel with
    # that entry assigned, so the entry page and its file get past their 404 (nothing they
    # post may change a mark: every value is hostile).
    clients["judge"] = Client()
    clients["judge"].force_login(judge_for_fuzz(essay_task, essay_entry, tree, organisers))

    contest_a = w["contests.Contest"][0]
    # What results_publish writes (the isolation test's snapshot has an empty budget).
    snapshot_a = w["scoring.ResultsSnapshot"][0]
    snapshot_a.budget = {"structures": [], "planned": 0, "used": 0}
    snapshot_a.save(update_fields=["budget"])
    real = {
        # by URL name and parameter
        ("participants:unit_children", "pk"): [tree["A"].pk],
        ("contests:announcement_read", "pk"): [w["contests.Announcement"][0].pk],
        ("admin:contests_contest_transition", "transition"): list(
            ContestWithResultsAdmin.TRANSITIONS
        ),
        ("essays:task", "task_id"): [essay_task.pk],
        ("essays:file", "code"): [essay_entry.code],
        ("essays_judge:entry", "code"): [essay_entry.code],
        ("essays_judge:file", "code"): [essay_entry.code],
        ("admin:contests_contest_preview", "object_id"): [contest_a.pk],
        ("admin:contests_contest_prizes", "object_id"): [contest_a.pk],
        ("admin:contests_contest_transition", "object_id"): [contest_a.pk],
        ("admin:participants_participant_identity_change", "pk"): [
            w["participants.Participant"][0].pk
        ],
        ("admin:scoring_regrade_progress", "job_id"): [w["scoring.RegradeJob"][0].pk],
        ("admin:scoring_answer_key_fix", "question_id"): [w["contests.Question"][0].pk],
        ("admin:view_on_site", "content_type_id"): [ContentType.objects.get_for_model(exam).pk],
        ("admin:view_on_site", "object_id"): [contest_a.pk],
        ("admin:auth_user_password_change", "id"): [organisers["a"].pk],
        ("", "parent_id"): [tree["A"].pk],  # treebeard's unit children (no URL name)
        # by parameter alone
        "slug": [exam.slug],
        "attempt_id": [attempt_id],
        "job_id": [job.pk],
        "app_label": ["contests"],
        "url": ["khong-co/"],
    }
    return {"clients": clients, "real": real, "objects": w}


def essay_task_for_fuzz(contest):
    from django.utils import timezone

    from essays.models import EssayTask

    now = timezone.now()
    return EssayTask.objects.create(
        contest=contest,
        title="Bài viết",
        questions="<p>Câu hỏi</p>",
        opens_at=now - datetime.timedelta(days=1),
        unit_deadline=now + datetime.timedelta(days=1),
        city_deadline=now + datetime.timedelta(days=2),
        word_limit=100,
    )


def essay_entry_for_fuzz(task, registration):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from essays.models import Entry

    entry = Entry(
        task=task,
        registration=registration,
        code="FUZZ2345",
        text="Bài đã nộp",
        word_count=3,
        status="submitted",
        submitted_at=timezone.now(),
        file_type="pdf",
    )
    entry.file.save("fuzz", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    entry.save()
    return entry


def judge_for_fuzz(task, entry, tree, organisers):
    """A judge (in the judge group, as essays.services.judging.judge_add makes one) from
    district B on district A's preliminary panel, with `entry` assigned."""
    from essays.models import Assignment, Entry, Panel
    from essays.services.judging import judge_add

    Entry.objects.filter(pk=entry.pk).update(district=tree["A"])
    judge = judge_add(
        username="gk.fuzz",
        full_name="Giám khảo Fuzz",
        password="Mat-khau-gk-2025",
        home_unit=tree["B"],
        by=organisers["root"],
    )
    # A rubric, so the entry page has marks to post.
    task.criteria.create(order=1, name="Nội dung", max_marks=70, weight=1)
    task.criteria.create(order=2, name="Hình thức", max_marks=30, weight=1)
    panel = Panel.objects.create(task=task, unit=tree["A"], stage="preliminary", name="BGK A")
    panel.judges.add(judge)
    Assignment.objects.create(entry=entry, panel=panel, judge=judge, stage="preliminary")
    return judge.user


def _model_of(pattern: fz.Pattern):
    """The model of an admin URL (admin:<app>_<model>_<view>), else None."""
    name = pattern.name.removeprefix("admin:") if pattern.name.startswith("admin:") else ""
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix) or f"/{model._meta.app_label}/{model._meta.model_name}/" in (
            pattern.template
        ):
            return model
    return None


def real_values(world, pattern: fz.Pattern, param: str) -> list[str]:
    real = world["real"]
    for key in [(pattern.name, param), param]:
        if key in real:
            return [str(v) for v in real[key]]
    model = _model_of(pattern)
    if model is not None:
        pair = world["objects"].get(model._meta.label)
        obj = pair[0] if pair else model._default_manager.order_by("pk").first()
        if obj is not None:
            return [str(obj.pk)]
    return ["1"]


def real_paths(world, pattern) -> list[str]:
    paths = []
    options = {name: real_values(world, pattern, name) for name, _conv in pattern.params}
    # Each real value of each parameter at least once (the others at their first value).
    combos = [{n: v[0] for n, v in options.items()}]
    for name, values in options.items():
        combos += [{**combos[0], name: value} for value in values[1:]]
    for combo in combos:
        path = fz.build_path(pattern, combo)
        if path is not None:
            paths.append(path)
    assert paths, f"no real path for {pattern.route}: fix real_values()"
    return paths


def hostile_paths(world, pattern) -> list[str]:
    base = {name: real_values(world, pattern, name)[0] for name, _conv in pattern.params}
    paths = []
    for name, conv in pattern.params:
        for value in fz.PATH_VALUES.get(conv, fz.REGEX_VALUES):
            path = fz.build_path(pattern, {**base, name: value})
            if path is not None:
                paths.append(path)
    return paths


# --- Requests ---------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: dict = field(default_factory=dict)
    data: dict | bytes | str | None = None
    content_type: str | None = None

    def describe(self) -> str:
        parts = [self.method, fz.short(self.path, 80)]
        if self.query:
            parts.append("query=" + fz.short(self.query, 160))
        if self.content_type == "application/json":
            parts.append("json=" + fz.short(self.data, 80))
        elif self.data is not None:
            parts.append("data=" + fz.short(self.data, 200))
        return " ".join(parts)


def send(client: Client, req: Request):
    url = req.path + ("?" + urlencode(req.query, doseq=True) if req.query else "")
    method = req.method.lower()
    if req.method in ("GET", "HEAD", "OPTIONS"):
        return client.generic(req.method, url)
    if req.content_type is None:  # a form: multipart, like a browser with a file input
        return getattr(client, method)(url, req.data or {})
    body = req.data.encode() if isinstance(req.data, str) else req.data
    return client.generic(req.method, url, body or b"", content_type=req.content_type)


def garbage_upload(kind: int, name: str):
    if kind == 0:
        return SimpleUploadedFile(f"{name}.xlsx", b"", content_type="application/octet-stream")
    if kind == 1:  # a zip that is not a workbook
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>" * 10)
        return SimpleUploadedFile(f"{name}.xlsx", buffer.getvalue())
    return SimpleUploadedFile("\x00.xlsx" if kind == 2 else "a.exe", b"\xff\xfe" * 5_000)


@dataclass
class Outcome:
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    known_hit: set[Known] = field(default_factory=set)
    writes: list[str] = field(default_factory=list)  # tolerated changes (ACTIONS)
    statuses: Counter = field(default_factory=Counter)  # (route, method, status) -> requests
    seconds: Counter = field(default_factory=Counter)  # route -> seconds spent


class Fuzzer:
    def __init__(self, world, role):
        self.role = role
        self.world = world
        self.cookies = world["clients"][role].cookies
        self.tables = fz.fingerprint_tables(NOT_FINGERPRINTED)
        self.sql = fz.fingerprint_sql(self.tables)
        self.oids = fz.table_oids(self.tables)
        self.before = fz.fingerprint(self.sql)
        # Rows written so far in the test's transaction (they only grow): a request that
        # leaves the count unchanged wrote nothing, and skips the fingerprint (about 5 times
        # dearer, and taken after every request it was most of the fuzz's time).
        self.writes_seen = fz.write_count(self.oids)
        self.out = Outcome()
        # route -> what pages post there, and query keys their links use
        self.fields: dict[str, set[str]] = {}
        self.files: dict[str, set[str]] = {}
        self.query_keys: dict[str, set[str]] = {}

    def client(self) -> Client:
        client = Client(raise_request_exception=True)
        client.cookies.load({k: v.value for k, v in self.cookies.items()})
        return client

    def known(self, pattern, description) -> Known | None:
        for entry in KNOWN_FAILURES:
            if (
                entry.route == pattern.route
                and entry.role in (self.role, "*")
                and entry.what in description
            ):
                return entry
        return None

    def run(self, pattern: fz.Pattern, req: Request):
        """One request in a rolled-back savepoint: no 500, no change (except ACTIONS)."""
        self.out.requests += 1
        began = time.monotonic()
        description = req.describe()
        problem = None
        response = None
        with transaction.atomic():
            try:
                response = send(self.client(), req)
            except Exception as exc:
                frames = traceback.extract_tb(exc.__traceback__)
                where = " < ".join(_where(f) for f in reversed(_project_frames(frames)))
                problem = f"500 {type(exc).__name__}: {fz.short(str(exc), 120)} at {where}"
            else:
                self.out.statuses[pattern.route, req.method, response.status_code] += 1
                if response.status_code >= 500 and response.status_code != 503:
                    problem = f"status {response.status_code}"
                elif self.wrote():
                    changed = self.changed()
                    if changed:
                        if self.tolerated(pattern, req, response):
                            self.out.writes.append(f"{description}: {', '.join(changed)}")
                        else:
                            problem = (
                                f"database changed ({response.status_code}): {', '.join(changed)}"
                            )
            transaction.set_rollback(True)
        self.out.seconds[pattern.route] += time.monotonic() - began
        if problem:
            known = self.known(pattern, description + " " + problem)
            if known:
                self.out.known_hit.add(known)
            else:
                self.out.failures.append(
                    f"{pattern.route} [{self.role}] {description}\n      -> {problem}"
                )
        return response

    def wrote(self) -> bool:
        """Whether anything was written since the last look (a write outside a request only
        costs a fingerprint that then finds no change)."""
        seen, self.writes_seen = self.writes_seen, fz.write_count(self.oids)
        return seen != self.writes_seen

    def changed(self) -> list[str]:
        after = fz.fingerprint(self.sql)
        return [t for t in self.tables if after.get(t) != self.before.get(t)]

    def tolerated(self, pattern, req, response) -> bool:
        if req.method != "POST" or response.status_code not in (301, 302, 303):
            return False
        name = pattern.name
        if name in ACTIONS:
            return True
        return name.startswith("admin:") and (
            name.endswith(ADMIN_ACTION_SUFFIXES) or name.endswith(("_add", "_change"))
        )

    # --- pass 1 ------------------------------------------------------------------------------

    def discover(self, pattern, path) -> bool:
        """GET the real path; remember what its forms post where. True if the page was shown
        (a 200), i.e. the role reaches the view's own handling."""
        response = self.run(pattern, Request("GET", path))
        if response is None:
            return False
        if response.status_code == 405:  # POST only: a POST reaches the view
            return True
        if response.status_code != 200:
            return False
        if "html" not in response.get("Content-Type", ""):
            return True
        html = response.content.decode(errors="replace")
        for action, page in fz.read_forms(html).items():
            route = pattern.route if not action else _route_of(action, path)
            if route is None:
                continue
            self.fields.setdefault(route, set()).update(page.fields)
            self.files.setdefault(route, set()).update(page.files)
            self.query_keys.setdefault(route, set()).update(page.query_keys)
        return True

    # --- pass 2 ------------------------------------------------------------------------------

    def sweep(self, pattern, paths, hostile):
        fields = sorted(self.fields.get(pattern.route, set()) | {"id", "pk"})
        keys = sorted(self.query_keys.get(pattern.route, set()) | QUERY_KEYS)
        real = paths[0]
        for path in hostile:
            self.run(pattern, Request("GET", path))
        self.run(pattern, Request("POST", real, data={}))
        self.run(pattern, Request("GET", real, query=dict.fromkeys(keys, "a\x00b")))
        self.run(pattern, Request("POST", real, data=dict.fromkeys(fields, "\x00")))
        self.run(
            pattern,
            Request("POST", real, data=fz.INVALID_UTF8_FORM, content_type=FORM_URLENCODED),
        )
        self.run(pattern, Request("POST", real, data=fz.DEEP_JSON, content_type="application/json"))
        for method in ("PUT", "PATCH", "DELETE"):
            self.run(pattern, Request(method, real, data="{}", content_type="application/json"))

    def explore(self, pattern, paths, hostile, examples):
        fields = sorted(self.fields.get(pattern.route, set()))
        files = sorted(self.files.get(pattern.route, set()))
        keys = sorted(self.query_keys.get(pattern.route, set()) | QUERY_KEYS)

        form = st.fixed_dictionaries(
            {}, optional={name: fz.hostile_values() for name in [*fields, "khong_co"]}
        )
        query = st.fixed_dictionaries(
            {}, optional={name: fz.hostile_value() for name in [*keys, "khong_co"]}
        )
        uploads = st.fixed_dictionaries({}, optional={name: st.integers(0, 3) for name in files})
        # The form's own fields as a JSON object too, answers ("q<id>") nested as the test
        # page's script sends them.
        questions = [name[1:] for name in fields if name[:1] == "q" and name[1:].isdecimal()]
        json_value = st.one_of(fz.hostile_value(), st.integers(), st.none(), st.lists(st.none()))
        form_json = st.fixed_dictionaries(
            {"answers": st.dictionaries(st.sampled_from(questions or ["1"]), json_value)},
            optional={name: json_value for name in fields},
        ).map(json.dumps)
        json_body = st.one_of(
            form_json,
            st.sampled_from(fz.JSON_BODIES),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3)
                ),
                max_leaves=12,
            ).map(json.dumps),
        )
        kind = st.sampled_from(["GET", "POST", "POST", "POST json"])
        path = st.sampled_from(paths + hostile) if hostile else st.sampled_from(paths)

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(kind, path, query, form, uploads, json_body)
        def one(kind, path, query, form, uploads, json_body):
            if kind == "GET":
                self.run(pattern, Request("GET", path, query=query))
            elif kind == "POST":
                data = dict(form)
                for name, n in uploads.items():
                    data[name] = garbage_upload(n, name)
                self.run(pattern, Request("POST", path, query=query, data=data))
            else:
                self.run(
                    pattern, Request("POST", path, data=json_body, content_type="application/json")
                )

        one()


def _project_frames(frames):
    """The frames of the project's own code (not the library's, not this test's); the last
    three, or the last frame when none is ours (a template error: where it was rendered)."""
    ours = [f for f in frames if "/.venv/" not in f.filename and "/tests/site/" not in f.filename]
    return ours[-3:] or frames[-1:]


def _where(frame) -> str:
    # Relative to the checkout, wherever it is (CI clones it into another folder).
    return f"{os.path.relpath(frame.filename, django_settings.BASE_DIR)}:{frame.lineno}"


FORM_URLENCODED = "application/x-www-form-urlencoded"
QUERY_KEYS = fz.query_keys_read_by_views() | fz.ADMIN_QUERY_KEYS


def _route_of(action: str, page_path: str) -> str | None:
    from urllib.parse import urljoin, urlsplit

    path = urlsplit(urljoin(page_path, action)).path
    try:
        return resolve(path).route
    except Resolver404:
        return None


PATTERNS = fz.url_patterns()


@pytest.mark.fuzz
# A 5,000-character slug makes a cache key longer than memcached takes (Redis takes it): the
# warning would print the whole key.
@pytest.mark.filterwarnings("ignore::django.core.cache.CacheKeyWarning")
@pytest.mark.parametrize("role", ROLES)
def test_no_500_and_no_change_on_hostile_input(world, role, caplog):
    # Tens of thousands of 4xx warnings (and the tracebacks of the failures, which are listed
    # below anyway) would bury the report.
    for logger in ("django", "axes"):
        caplog.set_level(logging.CRITICAL, logger=logger)
    started = time.monotonic()
    fuzzer = Fuzzer(world, role)
    reached = {}
    plans = []
    for pattern in PATTERNS:
        paths = real_paths(world, pattern)
        reached[pattern.route] = any([fuzzer.discover(pattern, p) for p in paths])
        plans.append((pattern, paths, hostile_paths(world, pattern)))
    for pattern, paths, hostile in plans:
        fuzzer.sweep(pattern, paths, hostile)
        examples = EXAMPLES if reached[pattern.route] else EXAMPLES_UNREACHED
        fuzzer.explore(pattern, paths, hostile, examples)

    out = fuzzer.out
    seconds = time.monotonic() - started
    print(
        f"\n[fuzz {role}] {len(PATTERNS)} patterns ({sum(reached.values())} reached), "
        f"{out.requests} requests in {seconds:.1f} s; {len(out.failures)} failures, "
        f"{len(out.known_hit)} known; {len(out.writes)} tolerated writes"
    )
    if os.environ.get("FUZZ_STATS"):  # what each pattern answered: is the fuzz getting in?
        for (route, method, status), count in sorted(out.statuses.items()):
            print(f"  {route} {method} {status}: {count}")
        for route, spent in out.seconds.most_common(15):
            print(f"  slowest: {route} {spent:.1f} s")
    for write in out.writes:
        print("  tolerated:", fz.short(write, 300))
    for entry in KNOWN_FAILURES:
        if entry.role in (role, "*") and entry not in out.known_hit:
            warnings.warn(f"KNOWN_FAILURES entry no longer fails as {role}: {entry}", stacklevel=1)
    assert not out.failures, f"{len(out.failures)} failures as {role}:\n" + "\n".join(
        out.failures[:60]
    )


# --- The fuzzer itself can fail ----------------------------------------------------------------


@pytest.mark.urls("tests.site.fuzz_selftest_urls")
def test_the_fuzzer_reports_a_500_and_a_write_and_rolls_back(db):
    from django.contrib.auth.models import Group

    fuzzer = Fuzzer({"clients": {"anonymous": Client()}}, "anonymous")
    patterns = {p.name: p for p in fz.url_patterns()}
    for name in ("boom", "writes", "fine"):
        fuzzer.run(patterns[name], Request("GET", patterns[name].template))

    assert fuzzer.out.requests == 3
    assert len(fuzzer.out.failures) == 2
    boom, writes = fuzzer.out.failures
    assert boom.startswith("boom/ [anonymous] GET '/boom/'")
    assert "500 ValueError: 'hỏng' at tests/site/fuzz_selftest_urls.py:" in boom
    assert writes.startswith("writes/ [anonymous] GET '/writes/'")
    assert writes.endswith("-> database changed (200): auth_group")
    assert not Group.objects.exists()  # the write was rolled back
