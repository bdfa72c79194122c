"""Dependencies point one way: contests ← participants ← essays ← scoring ← learning ←
integrity ← reports (DESIGN.md §3).

Every .py file of the domain apps is parsed (migrations excepted) and every import is checked,
function-level ones included: an app may import only the apps below it. `contest_site` (settings,
urls, celery, middleware) may be imported by all and imports none of them except in its URL
configuration and settings; `devdata` (demo and simulation data) may import every app and
nothing imports it. Strings that reach upward without an import count too: a URL name such as
`reverse("scoring:start")` or a dotted path such as `"scoring.tasks.grade"` in a lower app.

Inside the apps, modules do not import each other in a loop (a function-level import that
only hides a loop counts), except a service that enqueues its own Celery task: the task module
is the adapter that calls the service back (`KNOWN_LOOPS`).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["contests", "participants", "essays", "scoring", "learning", "integrity", "reports"]
# contest_site's files that may name the apps: they wire them together (the router is named
# in settings.DATABASE_ROUTERS and sends the `reports` app's tables to the replica).
SITE_WIRING = {"contest_site/urls.py", "contest_site/db_router.py"}
SITE_WIRING_DIRS = ("contest_site/settings/",)


def allowed(app: str) -> set[str]:
    """The apps `app` may import (besides itself)."""
    if app in LAYERS:
        return set(LAYERS[: LAYERS.index(app)]) | {"contest_site"}
    if app == "devdata":
        return set(LAYERS) | {"contest_site"}
    return set()  # contest_site


def python_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue
        if app == "contest_site" and (
            relative in SITE_WIRING or relative.startswith(SITE_WIRING_DIRS)
        ):
            continue
        yield relative, path


def imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node, node.module


# "scoring:start" (a URL name) or "scoring.tasks.x" (a dotted path); prose in docstrings and
# comments is not code and is not matched (comments are not in the tree; docstrings skipped).
def upward_string(text: str, forbidden: set[str]) -> str | None:
    for app in forbidden:
        if re.fullmatch(rf"{app}(:[\w-]+|(\.\w+)+)", text):
            return app
    return None


def docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def violations(app: str) -> list[str]:
    ours = set(LAYERS) | {"contest_site", "devdata"}
    forbidden = ours - allowed(app) - {app}
    found = []
    for relative, path in python_files(app):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        for node, module in imported_modules(tree):
            if module.split(".")[0] in forbidden:
                found.append((relative, node.lineno, node.col_offset, f"imports {module}"))
        skip = docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and (target := upward_string(node.value, forbidden))
            ):
                found.append(
                    (relative, node.lineno, node.col_offset, f"names {target} in {node.value!r}")
                )
    return [f"{file}:{line} {what}" for file, line, _, what in sorted(found)]


def module_graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (module or function level)."""
    files = {}
    for app in [*LAYERS, "contest_site", "devdata"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join(parts)] = path
    graph = {}
    for name, path in files.items():
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in files}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    if target in files or node.module in files:
                        graph[name].add(target if target in files else node.module)
    return graph


def loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


# A service enqueues its task after commit; the task calls the services back.
KNOWN_LOOPS = [
    ["learning.services.item_stats", "learning.tasks"],
    ["reports.services.exports", "reports.tasks"],
    [
        "scoring.services.certificates",
        "scoring.services.grading",
        "scoring.services.queueing",
        "scoring.services.regrade",
        "scoring.services.sweeping",
        "scoring.tasks",
    ],
]


def test_no_import_loop():
    assert loops(module_graph()) == KNOWN_LOOPS


def test_a_loop_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e", "d"}}
    assert loops(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize("app", [*LAYERS, "contest_site", "devdata"])
def test_no_upward_dependency(app):
    if not (ROOT / app).is_dir():
        pytest.skip(f"{app}/ does not exist yet")
    assert violations(app) == []


def test_the_checker_sees_what_it_must_refuse(tmp_path, monkeypatch):
    """The checker itself: an upward import at module and function level, an upward URL name
    and dotted path are found; a downward import, prose in a docstring and a comment are not."""
    app = tmp_path / "participants"
    app.mkdir()
    (app / "bad.py").write_text(
        '"""Prose may say scoring.tasks.grade and scoring:start."""\n'
        "import contests.models\n"
        "from scoring.models import Attempt\n"
        "def f():\n"
        "    from reports import views  # scoring:start in a comment\n"
        '    return reverse("scoring:start"), "scoring.tasks.grade", "scoring"\n',
        encoding="utf-8",
    )
    (app / "migrations").mkdir()
    (app / "migrations" / "0001_x.py").write_text("import scoring\n", encoding="utf-8")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert violations("participants") == [
        "participants/bad.py:3 imports scoring.models",
        "participants/bad.py:5 imports reports",
        "participants/bad.py:6 names scoring in 'scoring:start'",
        "participants/bad.py:6 names scoring in 'scoring.tasks.grade'",
    ]


def test_nothing_imports_devdata_and_site_imports_no_app(tmp_path, monkeypatch):
    for name, text in {
        "contests/a.py": "import devdata.seed\n",
        "contest_site/middleware.py": "from contests.models import Unit\n",
        "contest_site/urls.py": "from contests import urls\n",
        "devdata/b.py": "from reports.models import X\nimport contest_site.cache\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert violations("contests") == ["contests/a.py:1 imports devdata.seed"]
    assert violations("contest_site") == ["contest_site/middleware.py:1 imports contests.models"]
    assert violations("devdata") == []
